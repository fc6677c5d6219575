// Password authentication in front of @electric-sql/pglite-socket, which has none: PGlite answers
// every startup message with AuthenticationOk. The gate runs the start of the PostgreSQL wire
// protocol itself (SSLRequest -> 'N', StartupMessage, AuthenticationMD5Password, PasswordMessage),
// and only a connection that proved the password is handed to the socket server, with its startup
// message replayed so PGlite sends AuthenticationOk and the session parameters as usual. A wrong or
// missing password gets a FATAL 28P01 ErrorResponse and the connection is closed.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const HANDSHAKE_MS = 10_000;
const MAX_STARTUP_BYTES = 10_000;

const md5 = (s) => createHash("md5").update(s).digest("hex");

/** The md5 answer a client sends: "md5" + md5(md5(password + user) + salt). */
export function md5PasswordAnswer(password, user, salt) {
  return (
    "md5" +
    createHash("md5")
      .update(Buffer.concat([Buffer.from(md5(password + user)), salt]))
      .digest("hex")
  );
}

function errorResponse(code, message) {
  const fields = Buffer.concat([Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0`, "utf8"), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head[0] = 0x45; // 'E'
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

function parseStartupParams(msg) {
  const params = {};
  const parts = msg.subarray(8).toString("utf8").split("\0");
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]] = parts[i + 1];
  return params;
}

/**
 * Runs the handshake on a fresh socket. Resolves { startup, rest } (the startup message to replay
 * and any bytes after the password message) once the password checked out, or null after refusing.
 */
export function authenticate(socket, password) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let stage = "startup";
    let startup = null;
    let user = "";
    const salt = randomBytes(4);
    const finish = (result) => {
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.removeListener("error", onEnd);
      socket.removeListener("close", onEnd);
      if (result) socket.pause();
      resolve(result);
    };
    const refuse = (code, message) => {
      if (socket.writable) socket.end(errorResponse(code, message));
      socket.destroy();
      finish(null);
    };
    const onEnd = () => finish(null);
    const timer = setTimeout(() => refuse("08P01", "authentication timed out"), HANDSHAKE_MS);
    timer.unref?.();
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (stage === "startup") {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (len < 8 || len > MAX_STARTUP_BYTES) return refuse("08P01", "invalid startup packet");
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          const msg = buf.subarray(0, len);
          buf = buf.subarray(len);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write("N");
            continue;
          }
          if (code === CANCEL_REQUEST) {
            socket.destroy();
            return finish(null);
          }
          if (code !== PROTOCOL_3) return refuse("0A000", "unsupported frontend protocol");
          startup = Buffer.from(msg);
          user = parseStartupParams(startup).user ?? "";
          const req = Buffer.alloc(13);
          req[0] = 0x52; // 'R'
          req.writeInt32BE(12, 1);
          req.writeInt32BE(5, 5); // AuthenticationMD5Password
          salt.copy(req, 9);
          socket.write(req);
          stage = "password";
          continue;
        }
        if (buf.length < 5) return;
        const len = buf.readInt32BE(1);
        if (buf[0] !== 0x70 /* 'p' */ || len < 5 || len > MAX_STARTUP_BYTES) {
          return refuse("28P01", `password authentication failed for user "${user}"`);
        }
        if (buf.length < len + 1) return;
        const given = buf.subarray(5, len).toString("utf8").replace(/\0$/, "");
        const rest = Buffer.from(buf.subarray(len + 1));
        const expected = Buffer.from(md5PasswordAnswer(password, user, salt));
        const got = Buffer.from(given);
        if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
          return refuse("28P01", `password authentication failed for user "${user}"`);
        }
        return finish({ startup, rest });
      }
    };
    socket.on("data", onData);
    socket.on("error", onEnd);
    socket.on("close", onEnd);
  });
}

/**
 * Makes a PGLiteSocketServer (before start()) authenticate every connection with `password`.
 * Replaces its connection handler: only authenticated sockets reach PGlite.
 */
export function requirePassword(server, password) {
  if (!password) throw new Error("embedded PostgreSQL: a password is required");
  const handle = server.handleConnection.bind(server);
  server.handleConnection = async (socket) => {
    const ok = await authenticate(socket, password);
    if (!ok) return;
    await handle(socket);
    // The handler listens now: replay the startup message (PGlite answers AuthenticationOk).
    socket.emit("data", ok.startup);
    if (ok.rest.length) socket.emit("data", ok.rest);
    socket.resume();
  };
}

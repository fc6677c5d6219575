// Fix for @electric-sql/pglite-socket 0.2.x: its query queue interleaves protocol messages of
// different connections one message at a time. With the extended query protocol (what `pg` and
// Prisma use: Parse, Bind, Describe, Execute, then Sync) a large message arrives in several TCP
// chunks, and another connection's Parse can run between this connection's Parse and Bind,
// replacing the session's unnamed statement: the Bind then fails ("bind message supplies 2
// parameters, but prepared statement "" requires 3") or, with equal parameter counts, runs the
// other connection's SQL. This patch keeps the engine on one connection from its first
// extended-protocol message until its Sync (as the server already does inside a transaction).
//
// It also runs a connection's extended-protocol messages as one (issue 13): the library hands
// PGlite one message at a time, so one `pg` statement was five entries into PGlite's WASM, each
// with its own response write. Parse..Execute are held until the connection's Sync (or Flush, or a
// simple Query) and that run of messages goes to PGlite in one call, which reads it as the server
// would (after an error it skips to the Sync). The held messages are answered at once (the library
// only counts their bytes); their responses come with the Sync's. About a quarter less CPU per
// statement (`npm run bench -- pglite`).
const EXTENDED = new Set([0x50 /* P */, 0x42 /* B */, 0x44 /* D */, 0x45 /* E */, 0x43 /* C */, 0x48 /* H */]);
const RELEASE = new Set([0x53 /* S */, 0x51 /* Q */, 0x58 /* X */]);
const FLUSH = 0x48;

/** The type byte of the last message of `buf`, a run of whole protocol messages. */
function lastMessageType(buf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  for (;;) {
    if (at + 5 > buf.length) return buf[at];
    const next = at + 1 + view.getInt32(at + 1);
    if (next >= buf.length || next <= at) return buf[at];
    at = next;
  }
}

/** `groupMessages: false` keeps the library's one message per call (for the bench's before/after). */
export function patchPgliteSocketServer(server, { groupMessages = true } = {}) {
  const q = server.queryQueue;
  if (!q || q.__batchpointPatched) return;
  q.__batchpointPatched = true;
  q.protocolLock = null;
  q.processQueue = async function processQueue() {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const lock = this.db.isInTransaction() && this.lastHandlerId ? this.lastHandlerId : this.protocolLock;
        let idx = 0;
        if (lock !== null && lock !== undefined) {
          idx = this.queue.findIndex((item) => item.handlerId === lock);
          if (idx === -1) break; // wait for the locked connection's next message
        }
        const item = this.queue.splice(idx, 1)[0];
        const type = lastMessageType(item.message);
        if (RELEASE.has(type)) this.protocolLock = null;
        else if (EXTENDED.has(type)) this.protocolLock = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(async () =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (d) => {
                bytes += d.length;
                item.onData(d);
              },
            }),
          );
        } catch (e) {
          item.reject(e);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const held = new Map(); // handler id -> its extended-protocol messages since its last Sync
  if (groupMessages) {
    const enqueue = q.enqueue.bind(q);
    q.enqueue = function (handlerId, message, onData) {
      const type = message[0];
      const before = held.get(handlerId);
      if (EXTENDED.has(type) && type !== FLUSH) {
        if (before) before.push(message);
        else held.set(handlerId, [message]);
        return Promise.resolve(0);
      }
      if (!before) return enqueue(handlerId, message, onData);
      held.delete(handlerId);
      before.push(message);
      return enqueue(handlerId, Buffer.concat(before), onData);
    };
  }
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = function (handlerId) {
    held.delete(handlerId);
    clear(handlerId);
    if (this.protocolLock === handlerId) {
      this.protocolLock = null;
      void this.processQueue();
    }
  };
}

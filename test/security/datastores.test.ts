import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as datastoresRoute from "@/app/api/v1/datastores/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { findDatastores, testDatastoreCredentials } from "@/lib/datastores/datastores";
import { DATASTORE_ALLOW_PRIVATE_ENV } from "@/lib/datastores/storage-endpoint";
import { ensureContainer, testConnection, UNREACHABLE_REASON } from "@/lib/storage";
import { createUserWithWorkspace } from "../support/factories";
import { serveRoutes } from "../webhooks/helpers";

// Microsoft's published development key: anyone can know it.
const PUBLIC_DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const platformCs = () => process.env.AZURE_STORAGE_CONNECTION_STRING!;
const blobEndpoint = () => /BlobEndpoint=([^;]+)/.exec(platformCs())![1].replace(/\/$/, "");
const azuritePort = () => new URL(blobEndpoint()).port;

let api: Awaited<ReturnType<typeof serveRoutes>>;
let owner: string;
let workspaceId: string;
beforeAll(async () => {
  api = await serveRoutes([{ pattern: /^\/api\/v1\/datastores$/, params: () => ({}), methods: datastoresRoute }]);
  const a = await createUserWithWorkspace("ds-sec");
  workspaceId = a.workspace.id;
  owner = (await createApiToken({ workspaceId, actor: { userId: a.user.id }, name: "owner", role: "owner" })).token;
});
afterAll(async () => api?.close());
const allowPrivate = process.env[DATASTORE_ALLOW_PRIVATE_ENV];
afterEach(() => {
  process.env[DATASTORE_ALLOW_PRIVATE_ENV] = allowPrivate;
});

async function register(body: unknown) {
  const res = await fetch(`${api.origin}/api/v1/datastores`, {
    method: "POST",
    headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe("the platform's storage is not a datastore", () => {
  it("the embedded Azurite does not accept the public development account or key", async () => {
    expect(platformCs()).not.toContain(PUBLIC_DEV_KEY);
    const account = /AccountName=([^;]+)/.exec(platformCs())![1];
    expect(account).not.toBe("devstoreaccount1");
    // The platform's account with the public key, and the public account itself: both refused by Azurite.
    for (const cs of [
      platformCs().replace(/AccountKey=[^;]+/, `AccountKey=${PUBLIC_DEV_KEY}`),
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${PUBLIC_DEV_KEY};BlobEndpoint=http://127.0.0.1:${azuritePort()}/devstoreaccount1;`,
    ]) {
      const r = await testConnection({ auth: "connection_string", containerName: `ws-${workspaceId}`.toLowerCase(), credential: cs });
      expect(r.ok).toBe(false);
    }
  });

  it("registering the platform's own account is refused with a field error, even where private addresses are allowed", async () => {
    process.env[DATASTORE_ALLOW_PRIVATE_ENV] = "1";
    const res = await register({
      auth: "connection_string",
      name: "everything",
      containerName: `ws-${workspaceId}`.toLowerCase().slice(0, 63),
      connectionString: platformCs(),
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details.fieldErrors.connectionString[0]).toMatch(/platform's own storage account/);
    // Spelled differently: the emulator's path-style endpoint with a trailing dot and upper case.
    const sneaky = platformCs()
      .replace("127.0.0.1", "LOCALHOST.")
      .replace(/AccountName=[^;]+;/, "");
    const res2 = await register({ auth: "connection_string", name: "everything2", containerName: "anything", connectionString: sneaky });
    expect(res2.status).toBe(400);
    expect((await findDatastores({ workspaceId })).map((d) => d.name)).toEqual(["workspaceblobstore"]);
  });

  it("registering loopback or private storage is refused unless the operator allows it", async () => {
    process.env[DATASTORE_ALLOW_PRIVATE_ENV] = "";
    const tenantCs = process.env.TEST_TENANT_STORAGE_CONNECTION_STRING!;
    await ensureContainer({ auth: "connection_string", containerName: "tenant-own", credential: tenantCs });
    for (const cs of [
      tenantCs,
      "UseDevelopmentStorage=true",
      "DefaultEndpointsProtocol=http;AccountName=x;AccountKey=eA==;BlobEndpoint=http://169.254.169.254/x;",
      "AccountName=x;AccountKey=eA==;BlobEndpoint=http://[::1]:5432/x;",
    ]) {
      const res = await register({ auth: "connection_string", name: "local_store", containerName: "tenant-own", connectionString: cs });
      expect(res.status).toBe(400);
      expect(res.json.error.details.fieldErrors.connectionString[0]).toMatch(/not a public address/);
    }
    expect((await findDatastores({ workspaceId })).map((d) => d.name)).toEqual(["workspaceblobstore"]);
    process.env[DATASTORE_ALLOW_PRIVATE_ENV] = "1";
    const ok = await register({ auth: "connection_string", name: "local_store", containerName: "tenant-own", connectionString: tenantCs });
    expect(ok.status).toBe(201);
  });
});

describe("the connection test is not a port scanner", () => {
  let tcp: Server;
  const sockets = new Set<import("node:net").Socket>();
  beforeAll(async () => {
    // A service that is not storage: it accepts and answers garbage.
    tcp = createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
      s.end("SSH-2.0-OpenSSH_9.2\r\n");
    });
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => tcp.close(() => r()));
  });

  it("answers the same reason for a closed port and an open port of another service", async () => {
    process.env[DATASTORE_ALLOW_PRIVATE_ENV] = "1"; // even then, nothing tells the ports apart
    const open = (tcp.address() as AddressInfo).port;
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const cs = (port: number) =>
      `DefaultEndpointsProtocol=http;AccountName=probe;AccountKey=eA==;BlobEndpoint=http://127.0.0.1:${port}/probe;`;
    const reasons = [];
    for (const port of [closed, open]) {
      const r = await testDatastoreCredentials({
        input: { auth: "connection_string", name: "probe", containerName: "probe", connectionString: cs(port) },
      });
      reasons.push(r.ok ? "ok" : r.reason);
    }
    expect(reasons).toEqual([UNREACHABLE_REASON, UNREACHABLE_REASON]);
  });

  it("without the switch, a loopback address is refused before any request is made", async () => {
    process.env[DATASTORE_ALLOW_PRIVATE_ENV] = "";
    const open = (tcp.address() as AddressInfo).port;
    const before = sockets.size;
    const r = await testDatastoreCredentials({
      input: {
        auth: "connection_string",
        name: "probe",
        containerName: "probe",
        connectionString: `AccountName=p;AccountKey=eA==;BlobEndpoint=http://127.0.0.1:${open}/p;`,
      },
    });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/not a public address/) });
    expect(sockets.size).toBe(before); // no connection was made
  });
});

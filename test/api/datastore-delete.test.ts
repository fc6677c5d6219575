import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deleteSelection from "@/app/api/v1/datastores/[datastore]/delete/route";
import * as file from "@/app/api/v1/datastores/[datastore]/files/[...path]/route";
import { createApiToken } from "@/lib/api-tokens/api-tokens";
import { getDefaultStorageTarget } from "@/lib/datastores/datastores";
import { db } from "@/lib/db";
import { listBlobs, type StorageTarget, uploadBlob } from "@/lib/storage";
import { createUserWithWorkspace } from "../support/factories";
import { serveRoutes } from "../webhooks/helpers";

let api: Awaited<ReturnType<typeof serveRoutes>>;
let a: Awaited<ReturnType<typeof createUserWithWorkspace>>;
let targetA: StorageTarget;
let targetB: StorageTarget;
const tokens: Record<"contributor" | "scientist" | "otherOwner", { token: string; id: string }> = {} as never;

async function names(target: StorageTarget, prefix = "") {
  const out: string[] = [];
  for await (const page of listBlobs(target, prefix)) out.push(...page.map((x) => x.path));
  return out.sort();
}

beforeAll(async () => {
  api = await serveRoutes([
    { pattern: /^\/api\/v1\/datastores\/([^/]+)\/delete$/, params: (m) => ({ datastore: m[1] }), methods: deleteSelection },
    {
      pattern: /^\/api\/v1\/datastores\/([^/]+)\/files\/(.+)$/,
      params: (m) => ({ datastore: m[1], path: m[2].split("/") }),
      methods: file,
    },
  ]);
  a = await createUserWithWorkspace("rest-delete-a");
  const b = await createUserWithWorkspace("rest-delete-b");
  targetA = await getDefaultStorageTarget(a.workspace.id);
  targetB = await getDefaultStorageTarget(b.workspace.id);
  for (const f of ["in/a.txt", "in/b.txt", "in/deep/c.txt", "in/deep/d.txt", "keep/k.txt", "one.txt", "two.txt", "_batchpoint/x/score.py"])
    await uploadBlob(targetA, f, `content of ${f}`);
  await uploadBlob(targetB, "in/a.txt", "workspace b's own file");
  for (const role of ["contributor", "scientist"] as const) {
    const t = await createApiToken({ workspaceId: a.workspace.id, actor: { userId: a.user.id }, name: `${role}-token`, role });
    tokens[role] = { token: t.token, id: t.apiToken.id };
  }
  const other = await createApiToken({ workspaceId: b.workspace.id, actor: { userId: b.user.id }, name: "b", role: "owner" });
  tokens.otherOwner = { token: other.token, id: other.apiToken.id };
});
afterAll(async () => api?.close());

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${api.origin}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

describe("REST: deleting datastore files and folders", () => {
  it("refuses bad input with 400 naming the field, scientists with 403, and deletes nothing", async () => {
    const before = await names(targetA);
    const cases: [unknown, string, RegExp][] = [
      [{}, "paths", /Select at least one file or folder/],
      [{ paths: [] }, "paths", /Select at least one file or folder/],
      [{ paths: ["/"] }, "paths", /is the datastore's root/],
      [{ paths: ["in/../../etc"] }, "paths", /in\/\.\.\/\.\.\/etc/],
      [{ paths: ["_batchpoint/"] }, "paths", /platform's old copies/],
      [{ paths: ["in/a.txt"], recursive: true }, "recursive", /recursive/],
    ];
    for (const [body, field, message] of cases) {
      const res = await call("POST", "/api/v1/datastores/workspaceblobstore/delete", tokens.contributor.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json.error.details.fieldErrors)).toEqual([field]);
      expect(res.json.error.details.fieldErrors[field][0]).toMatch(message);
    }
    const scientist = await call("POST", "/api/v1/datastores/workspaceblobstore/delete", tokens.scientist.token, { paths: ["in/a.txt"] });
    expect(scientist.status).toBe(403);
    expect(scientist.json.error.message).toContain("data:delete");
    expect((await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/one.txt", tokens.scientist.token)).status).toBe(403);
    const badFlag = await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/in?recursive=yes", tokens.contributor.token);
    expect(badFlag.status).toBe(400);
    expect(Object.keys(badFlag.json.error.details.fieldErrors)).toEqual(["recursive"]);
    const unknownStore = await call("POST", "/api/v1/datastores/nostore/delete", tokens.contributor.token, { paths: ["a"] });
    expect(unknownStore.status).toBe(404);
    expect(await names(targetA)).toEqual(before);
    expect(await db.auditEvent.count({ where: { workspaceId: a.workspace.id, action: "datastore.files_deleted" } })).toBe(0);
  });

  it("deletes a selection of files and folders, audited with the token as actor", async () => {
    const res = await call("POST", "/api/v1/datastores/workspaceblobstore/delete", tokens.contributor.token, {
      paths: ["in/a.txt", "in/deep/"],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ deleted: 3, folders: 1, files: 1 });
    expect(await names(targetA, "in/")).toEqual(["in/b.txt"]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { workspaceId: a.workspace.id, action: "datastore.files_deleted" } });
    expect(audit).toMatchObject({ actorTokenId: tokens.contributor.id, targetType: "datastore" });
    expect(audit.metadata).toMatchObject({ datastore: "workspaceblobstore", selected: ["in/deep/", "in/a.txt"], files: 3 });
  });

  it("deletes one file with DELETE, a folder with recursive=true, and answers 404 when nothing is there", async () => {
    const one = await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/one.txt", tokens.contributor.token);
    expect(one).toMatchObject({ status: 200, json: { deleted: 1, files: 1, folders: 0 } });
    const again = await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/one.txt", tokens.contributor.token);
    expect(again.status).toBe(404);
    expect(again.json.error.message).toBe("File 'one.txt' in datastore 'workspaceblobstore' was not found.");
    // Without recursive=true a folder's name is a file that is not there: nothing under it goes.
    expect((await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/keep", tokens.contributor.token)).status).toBe(404);
    expect(await names(targetA, "keep/")).toEqual(["keep/k.txt"]);
    const folder = await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/keep?recursive=true", tokens.contributor.token);
    expect(folder).toMatchObject({ status: 200, json: { deleted: 1, folders: 1, files: 0 } });
    expect(await names(targetA, "keep/")).toEqual([]);
    const platform = await call(
      "DELETE",
      "/api/v1/datastores/workspaceblobstore/files/_batchpoint?recursive=true",
      tokens.contributor.token,
    );
    expect(platform.status).toBe(400);
    expect(Object.keys(platform.json.error.details.fieldErrors)).toEqual(["path"]);
  });

  it("acts only on the caller's workspace: another workspace's token deletes its own file of the same name", async () => {
    const before = await names(targetA);
    const res = await call("POST", "/api/v1/datastores/workspaceblobstore/delete", tokens.otherOwner.token, {
      paths: ["in/b.txt", "two.txt"],
    });
    expect(res.json).toEqual({ deleted: 0, folders: 0, files: 2 });
    expect(await names(targetA)).toEqual(before);
    const own = await call("DELETE", "/api/v1/datastores/workspaceblobstore/files/in/a.txt", tokens.otherOwner.token);
    expect(own.status).toBe(200);
    expect(await names(targetB)).toEqual([]);
    expect(await names(targetA)).toEqual(before);
  });
});

import { describe, expect, it } from "vitest";
import { recordInboundRequest, STORED_BODY_BYTES } from "./inbound-request";

const headers = (h: Record<string, string>) => new Headers(h);

describe("recordInboundRequest", () => {
  it("keeps a JSON body with nothing secret in it byte for byte, with its size", () => {
    const raw = '{"input":{"type":"uri_folder","path":"datastores/workspaceblobstore/paths/in/"},  "idempotencyKey":"run-7"}';
    const kept = recordInboundRequest({ rawBody: Buffer.from(raw), headers: headers({ "content-type": "application/json" }) });
    expect(kept).toEqual({ requestBody: raw, requestBytes: raw.length, requestHeaders: { "content-type": "application/json" } });
  });

  it("masks job variables, credential fields, SAS signatures and connection-string keys", () => {
    const body = {
      input: { type: "uri_file", path: "https://acct.blob.core.windows.net/c/a.csv?sv=2024-01-01&sig=abc%2Fdef&se=2030" },
      environmentVariables: { API_KEY: "sk-live-1", REGION: "eu" },
      storage: { storageAccount: "acct", storageAccountKey: "KEY==" },
      sources: { item1: { image: { container: "c", filePath: "x.png" } } },
      note: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=ZZZ==;EndpointSuffix=core.windows.net",
      idempotencyKey: "run-7",
    };
    const kept = recordInboundRequest({ rawBody: Buffer.from(JSON.stringify(body)), headers: headers({}) });
    const stored = JSON.parse(kept.requestBody);
    expect(stored.environmentVariables).toEqual({ API_KEY: "********", REGION: "********" });
    expect(stored.storage).toEqual({ storageAccount: "acct", storageAccountKey: "********" });
    expect(stored.input.path).toBe("https://acct.blob.core.windows.net/c/a.csv?sv=2024-01-01&sig=********&se=2030");
    expect(stored.note).toContain("AccountKey=********;");
    expect(stored.idempotencyKey).toBe("run-7");
    expect(stored.sources).toEqual(body.sources);
    for (const secret of ["sk-live-1", "KEY==", "abc%2Fdef", "ZZZ=="]) expect(kept.requestBody).not.toContain(secret);
  });

  it("keeps only allowlisted headers: never a signature, a shared secret, a token or a cookie", () => {
    const kept = recordInboundRequest({
      rawBody: Buffer.from("{}"),
      headers: headers({
        "content-type": "application/json",
        "batchpoint-signature": "t=1,v1=deadbeef",
        "aeg-sas-key": "the-secret",
        authorization: "Bearer bp_x",
        cookie: "session=1",
        "x-custom": "anything",
        "aeg-event-type": "Notification",
        "batchpoint-event-id": "evt-1",
      }),
    });
    expect(kept.requestHeaders).toEqual({
      "content-type": "application/json",
      "aeg-event-type": "Notification",
      "batchpoint-event-id": "evt-1",
    });
  });

  it("cuts a large body at the cap on a character boundary and records its real size; a non-JSON body is kept as text", () => {
    const raw = Buffer.from(JSON.stringify({ text: "é".repeat(STORED_BODY_BYTES) }));
    const kept = recordInboundRequest({ rawBody: raw, headers: headers({}) });
    expect(kept.requestBytes).toBe(raw.length);
    expect(Buffer.byteLength(kept.requestBody)).toBeLessThanOrEqual(STORED_BODY_BYTES);
    expect(kept.requestBody.endsWith("\uFFFD")).toBe(false);
    const text = recordInboundRequest({ rawBody: Buffer.from("not json ?code=s3cret"), headers: headers({}), limit: 4096 });
    expect(text.requestBody).toBe("not json ?code=********");
  });
});

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { secretMatches, signPayload, verifySignature } from "./signature";

const secret = "whsec_test-secret";
const body = Buffer.from('{"input":{"type":"uri_file","path":"datastores/workspaceblobstore/paths/a.csv"}}');
const now = 1_800_000_000;

describe("webhook signatures", () => {
  it("signs t.<body> with HMAC-SHA256, as documented, so any language can verify it", () => {
    const header = signPayload({ secret, body, timestamp: now });
    const expected = createHmac("sha256", secret).update(`${now}.${body.toString()}`).digest("hex");
    expect(header).toBe(`t=${now},v1=${expected}`);
    expect(verifySignature({ secret, header, body, now })).toEqual({ ok: true, timestamp: now, signature: expected });
  });

  it("refuses another secret, altered bytes, a missing or malformed header", () => {
    const header = signPayload({ secret, body, timestamp: now });
    expect(verifySignature({ secret: "whsec_other", header, body, now })).toMatchObject({ ok: false, reason: "signature does not match" });
    expect(verifySignature({ secret, header, body: Buffer.concat([body, Buffer.from(" ")]), now })).toMatchObject({ ok: false });
    expect(verifySignature({ secret, header: null, body, now })).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
    expect(verifySignature({ secret, header: "v1=abc", body, now })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed/),
    });
  });

  it("allows 5 minutes of clock skew either way, not more", () => {
    const at = (t: number) => verifySignature({ secret, header: signPayload({ secret, body, timestamp: t }), body, now }).ok;
    expect([at(now - 300), at(now + 300), at(now - 301), at(now + 301)]).toEqual([true, true, false, false]);
  });

  it("accepts any of several v1 signatures (secret rotation)", () => {
    const good = signPayload({ secret, body, timestamp: now }).split("v1=")[1];
    expect(verifySignature({ secret, header: `t=${now},v1=${"0".repeat(64)},v1=${good}`, body, now }).ok).toBe(true);
  });

  it("compares shared secrets exactly", () => {
    expect(secretMatches(secret, secret)).toBe(true);
    expect([secretMatches(`${secret}x`, secret), secretMatches("", secret), secretMatches(null, secret)]).toEqual([false, false, false]);
  });
});

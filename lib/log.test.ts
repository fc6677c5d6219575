import { afterEach, describe, expect, it, vi } from "vitest";
import { logError, redact } from "./log";

describe("redact", () => {
  it("removes storage keys, SAS signatures, database passwords and our tokens", () => {
    const text = redact(
      "AccountKey=abc123==;x https://a.blob.core.windows.net/c?sv=1&sig=SECRETSIG postgres://u:hunter2@db/x bp_abcdefghijklmnopqrstuv",
    );
    for (const secret of ["abc123", "SECRETSIG", "hunter2", "abcdefghijklmnopqrstuv"]) expect(text).not.toContain(secret);
    expect(text).toContain("postgres://u:[redacted]@db/x");
  });
});

describe("logError", () => {
  afterEach(() => vi.restoreAllMocks());
  it("prints the message but not the request an SDK error carries", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const e = Object.assign(new Error("The specified container does not exist."), {
      code: "ContainerNotFound",
      request: { url: "https://x/c?sig=TOPSECRET" },
    });
    logError("listing inputs", e);
    const printed = spy.mock.calls.flat().join(" ");
    expect(printed).toContain("ContainerNotFound");
    expect(printed).toContain("The specified container does not exist.");
    expect(printed).not.toContain("TOPSECRET");
  });
});

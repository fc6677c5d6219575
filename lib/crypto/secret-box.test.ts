import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secret-box";

describe("secret box", () => {
  const k = randomBytes(32);

  it("round-trips and never stores the plaintext", () => {
    const sealed = encryptSecret("AccountKey=abc123==", k);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("abc123");
    expect(decryptSecret(sealed, k)).toBe("AccountKey=abc123==");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", k)).not.toBe(encryptSecret("same", k));
  });

  it("refuses a wrong key and tampered data", () => {
    const sealed = encryptSecret("secret", k);
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => decryptSecret(`v1:${raw.toString("base64")}`, k)).toThrow();
  });
});

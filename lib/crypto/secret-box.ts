import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeSecretKey, getEnv } from "@/lib/env";

const VERSION = "v1";

function key(explicit?: Buffer): Buffer {
  if (explicit) return explicit;
  const k = decodeSecretKey(getEnv().BATCHPOINT_SECRET_KEY);
  if (!k) throw new Error("BATCHPOINT_SECRET_KEY is not a 32-byte key");
  return k;
}

/** Encrypts a secret with AES-256-GCM; the result is `v1:<base64 iv|tag|ciphertext>`. */
export function encryptSecret(plaintext: string, explicitKey?: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(explicitKey), iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64")}`;
}

/** Decrypts what encryptSecret produced; throws if the key is wrong or the data was altered. */
export function decryptSecret(sealed: string, explicitKey?: Buffer): string {
  const [version, body] = sealed.split(":", 2);
  if (version !== VERSION || !body) throw new Error("unknown secret format");
  const raw = Buffer.from(body, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key(explicitKey), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    DATABASE_URL: "postgres://x@127.0.0.1:1/none",
    AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/a;",
    BATCHPOINT_SECRET_KEY: "2".repeat(64),
    NEXTAUTH_SECRET: "s".repeat(40),
  });
});
afterAll(() => {
  process.env = saved;
});

describe("a job's secrets on the scoring hot path", () => {
  it("serves secrets primed from a sealed column without a query, and keeps the first value primed", async () => {
    const { cachedJobSecrets, primeJobSecrets, sealJobSecrets } = await import("./job-secrets");
    // The database URL answers nothing: a query would fail the call.
    primeJobSecrets("job-primed", sealJobSecrets({ environmentVariables: { API_KEY: "k-123" } }));
    await expect(cachedJobSecrets("job-primed")).resolves.toEqual({ environmentVariables: { API_KEY: "k-123" } });
    primeJobSecrets("job-primed", sealJobSecrets({ environmentVariables: { API_KEY: "other" } }));
    await expect(cachedJobSecrets("job-primed")).resolves.toEqual({ environmentVariables: { API_KEY: "k-123" } });
    primeJobSecrets("job-without", null);
    await expect(cachedJobSecrets("job-without")).resolves.toEqual({});
  });
});

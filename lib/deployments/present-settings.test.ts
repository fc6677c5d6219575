import { describe, expect, it } from "vitest";
import { looksSecretValue, presentEnvironmentVariables, presentJobSettings } from "./present-settings";
import { MASK } from "./settings";

describe("presentEnvironmentVariables", () => {
  it("masks secret-looking names and credential-looking values, and keeps the rest", () => {
    expect(
      presentEnvironmentVariables({
        API_TOKEN: "t",
        MODE: "fast",
        DB: "postgres://app:pw@db:5432/x",
        STORE: "BlobEndpoint=https://a;SharedAccessSignature=sv=1&sig=abc",
        THRESHOLD: "0.5",
        GH: "ghp_abcdef",
      }),
    ).toEqual({ API_TOKEN: MASK, MODE: "fast", DB: MASK, STORE: MASK, THRESHOLD: "0.5", GH: MASK });
  });

  it("does not mistake ordinary values for credentials", () => {
    for (const v of ["https://example.com/models", "0.75", "resnet50", "s3://bucket/key"]) expect(looksSecretValue(v)).toBe(false);
  });
});

describe("presentJobSettings", () => {
  it("drops the deployment snapshot's internals and masks its variables", () => {
    const shown = presentJobSettings({
      miniBatchSize: 2,
      deployment: { id: "d1", codePath: "sha256:abc", environmentVariables: { API_KEY: "k", TEAM: "fraud" } },
    });
    expect(shown).toEqual({ miniBatchSize: 2, environmentVariables: { API_KEY: MASK, TEAM: "fraud" } });
    expect(JSON.stringify(shown)).not.toContain("sha256");
  });
});

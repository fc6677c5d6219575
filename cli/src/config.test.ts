import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configPath, normalizeUrl, resolveCredentials, writeConfig } from "./config";

describe("config", () => {
  it("lives under XDG_CONFIG_HOME, is written 0600, and the environment overrides it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bp-config-"));
    const env = { XDG_CONFIG_HOME: dir };
    expect(configPath(env)).toBe(path.join(dir, "batchpoint", "config.json"));
    const file = await writeConfig({ url: "http://a.test", token: "bp_one" }, env);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ url: "http://a.test", token: "bp_one" });
    expect(await resolveCredentials(env)).toEqual({ url: "http://a.test", token: "bp_one" });
    expect(await resolveCredentials({ ...env, BATCHPOINT_URL: "http://b.test/", BATCHPOINT_TOKEN: "bp_two" })).toEqual({
      url: "http://b.test",
      token: "bp_two",
    });
    await expect(resolveCredentials({ XDG_CONFIG_HOME: path.join(dir, "none") })).rejects.toThrow("not logged in");
  });

  it("normalizes the URL and rejects what is not http(s)", () => {
    expect(normalizeUrl(" https://bp.example.com/// ")).toBe("https://bp.example.com");
    expect(() => normalizeUrl("ftp://x")).toThrow("not an http(s) URL");
    expect(() => normalizeUrl("localhost")).toThrow("not a URL");
  });
});

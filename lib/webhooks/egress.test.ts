import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { ALLOW_PRIVATE_ENV, EgressRefusedError, nonPublicRange, postToPublicUrl, refusedHost } from "./egress";

afterEach(() => {
  delete process.env[ALLOW_PRIVATE_ENV];
});

describe("which addresses webhooks may reach", () => {
  it("tells public addresses from loopback, private, link-local and the rest", () => {
    expect(["8.8.8.8", "2606:4700:4700::1111", "20.60.1.1"].map(nonPublicRange)).toEqual([null, null, null]);
    expect(
      [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
      ].map(nonPublicRange),
    ).toEqual([
      "loopback",
      "private",
      "private",
      "private",
      "linkLocal",
      "carrierGradeNat",
      "unspecified",
      "loopback",
      "uniqueLocal",
      "linkLocal",
      "loopback",
    ]);
  });

  it("refuses localhost and private IP literals by their URL alone, unless the operator allows them", () => {
    expect(refusedHost(new URL("https://hooks.example.com/x"))).toBeNull();
    expect(refusedHost(new URL("http://localhost:8080/x"))).toBe("localhost is this machine");
    expect(refusedHost(new URL("http://169.254.169.254/latest/meta-data/"))).toBe(
      "169.254.169.254 is a link-local (cloud metadata lives here) address",
    );
    expect(refusedHost(new URL("http://[::1]:9000/"))).toBe("::1 is a loopback (this machine) address");
    process.env[ALLOW_PRIVATE_ENV] = "1";
    expect(refusedHost(new URL("http://localhost:8080/x"))).toBeNull();
  });

  it("sends nothing to a name that resolves to a private address, and reaches it once allowed", async () => {
    const host = hostname();
    const resolved = await lookup(host).catch(() => null);
    if (!resolved || !nonPublicRange(resolved.address)) return; // this machine's name is not local here: nothing to check
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, resolved.address, r));
    const url = `http://${host}:${(server.address() as AddressInfo).port}/hook`;
    try {
      const send = () => postToPublicUrl(url, { headers: {}, body: "{}", timeoutMs: 5000, bodyLimit: 2048 });
      await expect(send()).rejects.toBeInstanceOf(EgressRefusedError);
      await expect(send()).rejects.toThrow(`${host} resolves to ${resolved.address}`);
      expect(hits).toBe(0);
      process.env[ALLOW_PRIVATE_ENV] = "1";
      await expect(send()).resolves.toEqual({ status: 200, bodyStart: "ok" });
      expect(hits).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("the URL check at creation sees through spellings of private names", () => {
  it.each([
    ["http://LOCALHOST./hook", "localhost is this machine"],
    ["http://localhost../hook", "localhost is this machine"],
    ["http://LocalHost:9000/hook", "localhost is this machine"],
    ["http://api.localhost./hook", "api.localhost is a private-network name (localhost)"],
    ["http://ip6-localhost/hook", "ip6-localhost is this machine"],
    ["http://localhost.localdomain./x", "localhost.localdomain is this machine"],
    ["http://printer.local/x", "printer.local is a private-network name (local)"],
    ["http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a private-network name (internal)"],
    ["http://127.0.0.1./x", "127.0.0.1 is a loopback (this machine) address"],
    ["http://2130706433/x", "127.0.0.1 is a loopback (this machine) address"],
    ["http://0x7f.1/x", "127.0.0.1 is a loopback (this machine) address"],
    ["http://0/x", "0.0.0.0 is a unspecified address"],
    ["http://[::ffff:127.0.0.1]/x", "::ffff:7f00:1 is a loopback (this machine) address"],
    ["http://[::ffff:a9fe:a9fe]/latest/", "::ffff:a9fe:a9fe is a link-local (cloud metadata lives here) address"],
    ["http://[0:0:0:0:0:0:0:1]/x", "::1 is a loopback (this machine) address"],
    ["http://[fd12::1]/x", "fd12::1 is a private network address"],
  ])("%s is refused", (url, why) => {
    expect(refusedHost(new URL(url))).toBe(why);
  });

  it("still accepts public names, also with a trailing dot", () => {
    expect(refusedHost(new URL("https://hooks.example.com./x"))).toBeNull();
    expect(refusedHost(new URL("https://localhost.example.com/x"))).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PLATFORM = "DefaultEndpointsProtocol=http;AccountName=bpplatform1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10999/bpplatform1;";
const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    DATABASE_URL: "postgres://x@127.0.0.1/x",
    AZURE_STORAGE_CONNECTION_STRING: PLATFORM,
    BATCHPOINT_SECRET_KEY: "1".repeat(64),
    NEXTAUTH_SECRET: "s".repeat(40),
  });
});
afterAll(() => {
  process.env = saved;
});

describe("storage endpoints of datastores", () => {
  it("finds the blob endpoint of each connection string form", async () => {
    const { endpointOfConnectionString } = await import("./storage-endpoint");
    expect(
      endpointOfConnectionString("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=k;EndpointSuffix=core.windows.net"),
    ).toMatchObject({ accountName: "acme" });
    expect(endpointOfConnectionString("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=k")!.url.host).toBe(
      "acme.blob.core.windows.net",
    );
    expect(endpointOfConnectionString("BlobEndpoint=http://10.0.0.5:10000/acct;SharedAccessSignature=sv=1")).toMatchObject({
      accountName: "acct",
    });
    expect(endpointOfConnectionString("UseDevelopmentStorage=true")!.url.hostname).toBe("127.0.0.1");
    expect(endpointOfConnectionString("nonsense")).toBeNull();
  });

  it("recognises the platform's own account however it is spelled, and not other accounts on the same emulator", async () => {
    const { endpointOfAccount, endpointOfConnectionString, isPlatformStorage } = await import("./storage-endpoint");
    const ep = (cs: string) => endpointOfConnectionString(cs)!;
    expect(isPlatformStorage(ep(PLATFORM))).toBe(true);
    expect(isPlatformStorage(ep("BlobEndpoint=http://LOCALHOST.:10999/bpplatform1;SharedAccessSignature=x"))).toBe(true); // another name for the host, same account
    expect(isPlatformStorage(ep("AccountName=BPPLATFORM1;AccountKey=k;BlobEndpoint=http://127.0.0.1:10999/BPPLATFORM1/"))).toBe(true);
    expect(isPlatformStorage(ep("AccountName=tenant;AccountKey=k;BlobEndpoint=http://127.0.0.1:10999/tenant"))).toBe(false);
    expect(isPlatformStorage(endpointOfAccount("bpplatform1"))).toBe(true);
    expect(isPlatformStorage(endpointOfAccount("someoneelse"))).toBe(false);
  });

  it("refuses loopback, private and link-local endpoints unless the operator allows them", async () => {
    const { endpointOfConnectionString, refusedStorageEndpoint } = await import("./storage-endpoint");
    process.env.BATCHPOINT_DATASTORE_ALLOW_PRIVATE = "";
    for (const host of ["localhost", "127.0.0.2", "10.1.2.3", "192.168.0.9", "169.254.169.254", "[::1]", "0.0.0.0"]) {
      expect(
        await refusedStorageEndpoint(endpointOfConnectionString(`BlobEndpoint=http://${host}:10000/a;SharedAccessSignature=x`)!),
        host,
      ).toMatch(/not a public address/);
    }
    expect(await refusedStorageEndpoint(endpointOfConnectionString("BlobEndpoint=https://8.8.8.8/a;SharedAccessSignature=x")!)).toBeNull();
    process.env.BATCHPOINT_DATASTORE_ALLOW_PRIVATE = "1";
    expect(
      await refusedStorageEndpoint(endpointOfConnectionString("BlobEndpoint=http://10.1.2.3:10000/a;SharedAccessSignature=x")!),
    ).toBeNull();
    expect(await refusedStorageEndpoint(endpointOfConnectionString(PLATFORM)!)).toMatch(/platform's own storage/);
  });
});

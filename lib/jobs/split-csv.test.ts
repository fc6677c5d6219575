import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CsvSplitError, splitCsvRows, type RowRange } from "./split-csv";

async function split(text: string | Buffer, rowsPerRange: number, chunkSize = 7) {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  // Small chunks, so records and the header straddle chunk boundaries.
  const chunks = Array.from({ length: Math.ceil(buf.length / chunkSize) }, (_, i) => buf.subarray(i * chunkSize, (i + 1) * chunkSize));
  const ranges: RowRange[] = [];
  const result = await splitCsvRows(Readable.from(chunks), rowsPerRange, async (r) => void ranges.push({ ...r }));
  return { ...result, ranges, pieces: ranges.map((r) => buf.subarray(r.byteStart, r.byteEnd).toString()) };
}

describe("splitCsvRows", () => {
  it("cuts whole records into ranges of n rows, the header apart", async () => {
    const r = await split("id,text\n1,a\n2,b\n3,c\n4,d\n5,e\n", 2);
    expect(r.header).toBe("id,text");
    expect(r.rows).toBe(5);
    expect(r.pieces).toEqual(["1,a\n2,b\n", "3,c\n4,d\n", "5,e\n"]);
    expect(r.ranges.map((x) => x.rows)).toEqual([2, 2, 1]);
  });

  it("keeps a quoted field spanning lines in one record, with CRLF endings and no final newline", async () => {
    const r = await split('id,text\r\n1,"line one\r\nline two"\r\n2,"say ""hi"""\r\n3,last', 2);
    expect(r.header).toBe("id,text");
    expect(r.pieces).toEqual(['1,"line one\r\nline two"\r\n2,"say ""hi"""\r\n', "3,last"]);
  });

  it("leaves out a UTF-8 byte order mark from the header but keeps byte offsets exact", async () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("näme,x\nü,1\n")]);
    const r = await split(buf, 10);
    expect(r.header).toBe("näme,x");
    expect(r.pieces).toEqual(["ü,1\n"]);
  });

  it("reports a header-only file as zero rows and an empty file as an error", async () => {
    expect((await split("a,b\n", 10)).rows).toBe(0);
    await expect(split("", 10)).rejects.toBeInstanceOf(CsvSplitError);
  });

  it("says what is wrong with a malformed CSV", async () => {
    await expect(split('a,b\n1,"unclosed\n', 10)).rejects.toThrow(/could not be read/);
  });
});

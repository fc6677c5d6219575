import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { csvSettingsSchema, toRowOptions } from "./options";
import { prepareRows, shapeFailedRows, shapeScoredRows } from "./rows";

const data = (options: Parameters<typeof toRowOptions>[0], columns = ["id", "name", "x"]) => ({
  format: "csv" as const,
  columns,
  options: toRowOptions(options),
});

describe("row controls", () => {
  it("reads a tab as 'tab' and refuses two-character delimiters and unknown encodings", () => {
    expect(csvSettingsSchema.parse({ delimiter: "tab", encoding: "ISO-8859-1" })).toEqual({ delimiter: "\t", encoding: "latin-1" });
    expect(csvSettingsSchema.safeParse({ delimiter: ";;" }).success).toBe(false);
    expect(csvSettingsSchema.safeParse({ encoding: "ebcdic" }).success).toBe(false);
    expect(csvSettingsSchema.safeParse({ delimiter: ";", quotechar: ";" }).success).toBe(false);
  });

  it("joins passthrough columns in input order, drops a result's copy of one, and remaps names", () => {
    const d = data({ passthroughColumns: ["x", "id"], columnNamesRemapping: { score: "s", junk: null }, includePredictionStatus: true });
    const rows = prepareRows(Buffer.from('1,"a, b",10\n2,c,20\n'), d, 1);
    expect(rows.workerText).toBe('id,name,x\n1,"a, b",10\n2,c,20\n');
    const out = shapeScoredRows(d, rows, { format: "dataframe", header: "id,score,junk", body: "1,0.5,z\n", count: 1 });
    expect(out.header).toBe("id,x,s,prediction_status");
    expect(out.body.toString()).toBe("1,10,0.5,OK\n2,20,,run() returned no result for this row\n");
  });

  it("names the first ragged row, and writes failed rows under the scored header", () => {
    const d = data({ passthroughColumns: ["id"], includePredictionStatus: true, csvSettings: { delimiter: ";", encoding: "latin-1" } });
    const rows = prepareRows(iconv.encode("7;Zoë;1\n8;x\n", "latin1"), d, 7);
    expect(rows.ragged).toBe("Row 8 has 2 fields; the header has 3");
    const failed = shapeFailedRows(d, rows, "run() raised ValueError: no", "id;prediction;prediction_status");
    expect(failed.header).toBeNull();
    expect(iconv.decode(failed.body, "latin1")).toBe("7;;run() raised ValueError: no\n8;;run() raised ValueError: no\n");
  });
});

describe("UTF-16 input", () => {
  it("is split on record boundaries of the raw bytes and decoded per range, the output keeping UTF-16 with one byte order mark", async () => {
    const { Readable } = await import("node:stream");
    const { splitCsvRows } = await import("../split-csv");
    const file = iconv.encode('id\tname\n1\tZoë\n2\t"a\tb"\n3\tÅsa\n', "utf-16le", { addBOM: true });
    const ranges: { byteStart: number; byteEnd: number; rows: number }[] = [];
    const split = await splitCsvRows(Readable.from([file]), 2, async (r) => void ranges.push(r), {
      delimiter: "\t",
      quote: '"',
      encoding: "utf16le",
      decodeAs: "utf-16le",
    });
    expect(split).toMatchObject({ header: "id\tname", rows: 3, columns: ["id", "name"] });
    const d = data({ passthroughColumnsSet: "all", csvSettings: csvSettingsSchema.parse({ delimiter: "tab", encoding: "utf-16" }) }, [
      "id",
      "name",
    ]);
    const [first, second] = ranges.map((r) => prepareRows(file.subarray(r.byteStart, r.byteEnd), d, 1));
    expect(first.carried).toEqual([
      ["1", "Zoë"],
      ["2", "a\tb"],
    ]);
    expect(second.carried).toEqual([["3", "Åsa"]]);
    const out = shapeScoredRows(d, second, { format: "list", body: "ok\n", count: 1 });
    expect(iconv.decode(out.body, "utf-16le")).toBe("3\tÅsa\tok\n");
    expect(out.body.subarray(0, 2).equals(Buffer.from([0xff, 0xfe]))).toBe(false);
  });
});

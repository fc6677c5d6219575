import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { permanentStorageError, isDeterministicInitFailure } from "./job-failure";
import { checkCsvChunk, invalidResult } from "./result-checks";
import { recordStartLine, splitCsvRows } from "./split-csv";

describe("run() results", () => {
  it("accepts one line per result, refuses more results than inputs and line breaks inside list results", () => {
    expect(invalidResult({ format: "list", body: "a\nb\n", count: 2 }, 2)).toBeNull();
    expect(invalidResult({ format: "list", body: "a\nb\n", count: 2 }, 1)).toBe(
      "run() returned 2 results for 1 inputs; return at most one result per input.",
    );
    expect(invalidResult({ format: "list", body: "a\nx\nb\n", count: 2 }, 2)).toMatch(/contains a line break/);
    expect(invalidResult({ format: "list", body: "a\rx\nb\n", count: 2 }, 2)).toMatch(/contains a line break/);
    expect(invalidResult({ format: "dataframe", body: '"x\ny",1\n2,3\n', count: 2 }, 2)).toBeNull();
  });
});

describe("ragged CSV rows", () => {
  const file = (text: string) => {
    const p = path.join(mkdtempSync(path.join(tmpdir(), "chunk-")), "rows.csv");
    writeFileSync(p, text);
    return p;
  };
  it("names the first row whose field count differs from the header, with its line in the file", async () => {
    expect(await checkCsvChunk({ file: file('1,2\n"a\nb",3\n4,5,6\n'), header: "x,y", firstLine: 10, firstRow: 7 })).toBe(
      "Row 9 (line 13) has 3 fields; the header has 2",
    );
    expect(await checkCsvChunk({ file: file("1\n"), header: "x,y", firstLine: 2, firstRow: 1 })).toBe(
      "Row 1 (line 2) has 1 field; the header has 2",
    );
    expect(await checkCsvChunk({ file: file("1,2\n3,4\n"), header: "x,y", firstLine: 2, firstRow: 1 })).toBeNull();
  });
  it("records where each range starts, across quoted line breaks", async () => {
    const ranges: { firstLine: number }[] = [];
    await splitCsvRows(Readable.from([Buffer.from('a,b\n1,2\n"x\ny",3\n5,6\n')]), 1, async (r) => void ranges.push(r));
    expect(ranges.map((r) => r.firstLine)).toEqual([2, 3, 5]);
    expect(recordStartLine(5, ["x\ny", "3"])).toBe(4);
  });
  it("calls a binary file what it is instead of quoting the parser's garbage", async () => {
    const png = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(8), Buffer.from("more")]);
    await expect(splitCsvRows(Readable.from([png]), 10, async () => {})).rejects.toThrow(
      "The file is not a text CSV (it holds binary data",
    );
  });
});

describe("failures that retrying cannot change", () => {
  it("tells permanent storage errors from transient ones", () => {
    expect(permanentStorageError(Object.assign(new Error("x"), { statusCode: 403, code: "AuthorizationFailure" }), "in/")).toMatch(
      /^The storage refused access to in\/ \(403 AuthorizationFailure\)/,
    );
    expect(
      permanentStorageError(Object.assign(new Error("x"), { statusCode: 404, details: { errorCode: "ContainerNotFound" } }), "in/"),
    ).toMatch(/does not exist \(404 ContainerNotFound\)/);
    expect(permanentStorageError(Object.assign(new Error("x"), { statusCode: 405 }), "in/")).toMatch(
      /does not look like an Azure Blob Storage endpoint/,
    );
    for (const e of [
      Object.assign(new Error("x"), { statusCode: 503 }),
      Object.assign(new Error("x"), { statusCode: 429 }),
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    ]) {
      expect(permanentStorageError(e, "in/")).toBeNull();
    }
  });
  it("treats an init() failure as deterministic unless the sandbox says otherwise", () => {
    expect(isDeterministicInitFailure({ ok: false, phase: "init" })).toBe(true);
    expect(isDeterministicInitFailure({ ok: false, phase: "init", deterministic: false })).toBe(false);
    expect(isDeterministicInitFailure({ ok: false, phase: "run" })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { LogBuffer, MarkerSplitter } from "./logs";

function split(chunks: string[]) {
  const events: string[] = [];
  const s = new MarkerSplitter(
    (t) => events.push(`text:${t}`),
    (id) => events.push(`mark:${id}`),
  );
  for (const c of chunks) s.push(c);
  s.flush();
  // Adjacent text pieces are one piece of output for the reader.
  return events.reduce<string[]>((acc, e) => {
    const last = acc[acc.length - 1];
    if (last?.startsWith("text:") && e.startsWith("text:")) acc[acc.length - 1] = last + e.slice(5);
    else acc.push(e);
    return acc;
  }, []);
}

describe("MarkerSplitter", () => {
  it("separates each request's output at its end marker", () => {
    expect(split(["hello\n\x1eBATCHPOINT-END r1\x1e\nnext\n"])).toEqual(["text:hello\n", "mark:r1", "text:next\n"]);
  });

  it("finds a marker split across chunks, even one byte at a time", () => {
    const stream = "partial line\x1eBATCHPOINT-END r22\x1e\nafter";
    expect(split(stream.split(""))).toEqual(["text:partial line", "mark:r22", "text:after"]);
  });

  it("passes through text that only looks like the start of a marker", () => {
    expect(split(["a\x1eb\n", "\x1eBATCH", "ING\n"])).toEqual(["text:a\x1eb\n\x1eBATCHING\n"]);
  });
});

describe("LogBuffer", () => {
  it("keeps the tail of long output and says how much was dropped", () => {
    const b = new LogBuffer(10);
    for (let i = 0; i < 10; i++) b.append(`line${i}\n`);
    expect(b.take()).toBe("[... 50 characters of earlier output dropped ...]\nne8\nline9\n");
    expect(b.take()).toBe("");
  });

  it("returns short output untouched", () => {
    const b = new LogBuffer(100);
    b.append("a\n");
    b.append("b\n");
    expect(b.take()).toBe("a\nb\n");
  });
});

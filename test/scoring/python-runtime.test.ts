import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScoringPools } from "@/lib/scoring/pool";
import { deployment, tempDir, writeFiles, writePngs } from "./helpers";

// Real Debian python3 with pandas and PIL, real PNG files, real worker processes.
let pools: ScoringPools;
const tmp = tempDir("python");

beforeAll(() => {
  pools = new ScoringPools({ maxWorkersPerPool: 2 });
});

afterAll(async () => {
  await pools.shutdown();
  tmp.cleanup();
});

const IMAGE_SCORER = `
import json, os
import numpy as np
import pandas as pd
from PIL import Image

threshold = None

def init():
    global threshold
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json")) as f:
        threshold = json.load(f)["threshold"]
    print(f"model loaded, threshold {threshold}")

def run(mini_batch):
    rows = []
    for file_path in mini_batch:
        pixels = np.asarray(Image.open(file_path), dtype=np.float64)
        mean = float(pixels.mean())
        rows.append({"file": os.path.basename(file_path), "mean_pixel": mean, "label": "bright" if mean > threshold else "dark"})
    print(f"scored {len(rows)} images")
    return pd.DataFrame(rows)
`;

describe("Python scoring script returning a DataFrame (real PNG images)", () => {
  const code = writeFiles(path.join(tmp.dir, "images-code"), { "score.py": IMAGE_SCORER });
  const model = writeFiles(path.join(tmp.dir, "images-model"), { "model.json": JSON.stringify({ threshold: 100 }) });
  const dep = deployment(code, { modelDir: model });
  const values: Record<string, number> = {};
  for (let i = 0; i < 12; i++) values[`img_${String(i).padStart(2, "0")}.png`] = i * 20;
  let images: string[] = [];
  beforeAll(() => {
    images = writePngs(path.join(tmp.dir, "images"), values);
  });

  it("scores each mini-batch into CSV rows with the header given once, calling init() once per process", async () => {
    const results = [];
    for (let i = 0; i < images.length; i += 3) {
      results.push(await pools.run(dep, { input: { kind: "files", files: images.slice(i, i + 3) } }));
    }
    expect(results).toHaveLength(4);
    for (const r of results) {
      if (!r.ok) throw new Error(`${r.error}\n${r.traceback}\n${r.logs}`);
      expect(r.format).toBe("dataframe");
      expect(r.header).toBe("file,mean_pixel,label");
      expect(r.count).toBe(3);
      expect(r.inputCount).toBe(3);
      expect(r.body.split("\n")).toHaveLength(4); // three rows, each ending with a newline
      expect(r.logs).toContain("scored 3 images");
    }
    const allRows = results.map((r) => (r.ok ? r.body : "")).join("");
    expect(allRows.split("\n")[0]).toBe("img_00.png,0.0,dark");
    expect(allRows).toContain("img_05.png,100.0,dark\n");
    expect(allRows).toContain("img_06.png,120.0,bright\n");
    expect(allRows).not.toContain("file,mean_pixel");
    // Sequential requests reuse the one warm worker: a single init().
    expect(results.map((r) => r.ok && r.coldStart)).toEqual([true, false, false, false]);
    // init() output is part of the log of the mini-batch that waited for it, and only that one.
    expect(results.map((r) => r.logs.includes("model loaded, threshold 100"))).toEqual([true, false, false, false]);
    expect(new Set(results.map((r) => r.ok && r.workerPid)).size).toBe(1);
  });
});

describe("Python scoring script returning a list", () => {
  it("writes one line per element: str() for values, JSON for dicts and lists", async () => {
    const code = writeFiles(path.join(tmp.dir, "list-code"), {
      "score.py": `
import os
def init():
    pass
def run(mini_batch):
    out = []
    for p in mini_batch:
        name = os.path.basename(p)
        if name.startswith("a"):
            out.append(f"{name}: {len(open(p).read())}")
        elif name.startswith("b"):
            out.append({"file": name, "score": 0.5})
        else:
            out.append(42)
    print("données traitées ✓")
    return out
`,
    });
    const inputs = writeFiles(path.join(tmp.dir, "list-inputs"), { "a.txt": "abc", "b.txt": "x", "c.txt": "" });
    const r = await pools.run(deployment(code), {
      input: { kind: "files", files: ["a.txt", "b.txt", "c.txt"].map((f) => path.join(inputs, f)) },
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.format).toBe("list");
    expect(r.header).toBeUndefined();
    expect(r.body).toBe('a.txt: 3\n{"file": "b.txt", "score": 0.5}\n42\n');
    expect(r.count).toBe(3);
    expect(r.logs).toContain("données traitées ✓");
  });

  it("reports fewer results than inputs so the caller can count failed files", async () => {
    const code = writeFiles(path.join(tmp.dir, "short-code"), {
      "score.py": "def init():\n    pass\ndef run(mini_batch):\n    return [p for p in mini_batch if 'bad' not in p]\n",
    });
    const r = await pools.run(deployment(code), { input: { kind: "files", files: ["/x/ok1", "/x/bad", "/x/ok2"] } });
    expect(r.ok && { count: r.count, inputCount: r.inputCount, body: r.body }).toEqual({
      count: 2,
      inputCount: 3,
      body: "/x/ok1\n/x/ok2\n",
    });
  });
});

describe("Python large mini-batches", () => {
  it("returns hundreds of thousands of rows intact", async () => {
    const code = writeFiles(path.join(tmp.dir, "big-code"), {
      "score.py":
        "import pandas as pd\ndef init():\n    pass\ndef run(mini_batch):\n    n = int(mini_batch[0])\n    return pd.DataFrame({'i': range(n), 'label': ['x' * 10] * n})\n",
    });
    const r = await pools.run(deployment(code), { input: { kind: "files", files: ["300000"] } });
    if (!r.ok) throw new Error(r.error);
    expect(r.count).toBe(300_000);
    const lines = r.body.split("\n");
    expect(lines).toHaveLength(300_001);
    expect(lines[299_999]).toBe("299999,xxxxxxxxxx");
  });
});

describe("Python tabular input", () => {
  const code = writeFiles(path.join(tmp.dir, "tabular-code"), {
    "score.py": `
import pandas as pd
def init():
    pass
def run(mini_batch):
    assert isinstance(mini_batch, pd.DataFrame), type(mini_batch)
    out = mini_batch.copy()
    out["total"] = out["price"] * out["qty"]
    return out[["id", "total"]]
`,
  });
  const data = writeFiles(path.join(tmp.dir, "tabular-data"), {
    "with-header.csv": "id,price,qty\n1,2.5,4\n2,1.0,3\n",
    "rows-only.csv": "3,10.0,2\n4,0.5,8\n5,1.0,1\n",
  });

  it("passes a CSV chunk with its own header as a DataFrame", async () => {
    const r = await pools.run(deployment(code), { input: { kind: "tabular", file: path.join(data, "with-header.csv") } });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.header).toBe("id,total");
    expect(r.body).toBe("1,10.0\n2,3.0\n");
    expect(r.count).toBe(2);
    expect(r.inputCount).toBe(2); // the rows the worker read: no rowCount given
  });

  it("applies the given header to a chunk cut from the middle of a big CSV", async () => {
    const r = await pools.run(deployment(code), {
      input: { kind: "tabular", file: path.join(data, "rows-only.csv"), header: "id,price,qty", rowCount: 3 },
    });
    if (!r.ok) throw new Error(`${r.error}\n${r.traceback}`);
    expect(r.body).toBe("3,20.0\n4,4.0\n5,1.0\n");
    expect(r.inputCount).toBe(3);
  });
});

describe("Python failures", () => {
  it("reports run() raising as one sentence with the traceback tail of the user's code, and the worker keeps serving", async () => {
    const code = writeFiles(path.join(tmp.dir, "raise-code"), {
      "score.py": `
def init():
    pass

def check(path):
    if path.endswith("img_3.png"):
        raise ValueError(f"bad pixel in img_3.png\\nsecond line")
    return path

def run(mini_batch):
    print("before the failure")
    return [check(p) for p in mini_batch]
`,
    });
    const dep = deployment(code);
    const bad = await pools.run(dep, { input: { kind: "files", files: ["/in/img_1.png", "/in/img_3.png"] } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error).toBe("run() raised ValueError: bad pixel in img_3.png");
    expect(bad.phase).toBe("run");
    expect(bad.timedOut).toBe(false);
    expect(bad.traceback).toMatch(/score\.py", line 7, in check/);
    expect(bad.traceback).toMatch(/ValueError: bad pixel in img_3.png/);
    expect(bad.traceback).not.toContain("batch_worker.py");
    expect(bad.logs).toContain("before the failure");
    const good = await pools.run(dep, { input: { kind: "files", files: ["/in/img_1.png"] } });
    expect(good.ok && good.body).toBe("/in/img_1.png\n");
  });

  it("rejects a return value that is neither a DataFrame nor a list", async () => {
    const code = writeFiles(path.join(tmp.dir, "none-code"), {
      "score.py": "def init():\n    pass\ndef run(mini_batch):\n    print('forgot to return')\n",
    });
    const r = await pools.run(deployment(code), { input: { kind: "files", files: ["/a"] } });
    expect(!r.ok && r.error).toBe("run() returned NoneType; expected a pandas DataFrame or a list");
  });
});

describe("Python logging level", () => {
  const script = `
import logging, sys
log = logging.getLogger("scorer")
def init():
    pass
def run(mini_batch):
    log.debug("debug detail")
    log.info("info message")
    log.warning("warning message")
    log.error("error message")
    print("plain print")
    print("to stderr", file=sys.stderr)
    return mini_batch
`;
  const code = writeFiles(path.join(tmp.dir, "logging-code"), { "score.py": script });

  it("keeps warning and error records at level warning, and prints always", async () => {
    const r = await pools.run(deployment(code, { loggingLevel: "warning" }), { input: { kind: "files", files: ["/a"] } });
    expect(r.logs).toContain("WARNING:scorer:warning message");
    expect(r.logs).toContain("ERROR:scorer:error message");
    expect(r.logs).toContain("plain print");
    expect(r.logs).toContain("to stderr");
    expect(r.logs).not.toContain("info message");
    expect(r.logs).not.toContain("debug detail");
  });

  it("keeps everything at level debug", async () => {
    const r = await pools.run(deployment(code, { loggingLevel: "debug" }), { input: { kind: "files", files: ["/a"] } });
    expect(r.logs).toContain("DEBUG:scorer:debug detail");
    expect(r.logs).toContain("INFO:scorer:info message");
  });

  it("keeps only errors and prints at level error", async () => {
    const r = await pools.run(deployment(code, { loggingLevel: "error" }), { input: { kind: "files", files: ["/a"] } });
    expect(r.logs).toContain("ERROR:scorer:error message");
    expect(r.logs).toContain("plain print");
    expect(r.logs).not.toContain("warning message");
  });
});

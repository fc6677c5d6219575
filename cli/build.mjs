// Bundles the CLI into one ESM file, cli/dist/batchpoint.mjs (the package's `bin`).
import { chmodSync, readFileSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("../", import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

await build({
  entryPoints: [new URL("src/main.ts", import.meta.url).pathname],
  outfile: new URL("dist/batchpoint.mjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // CommonJS dependencies (cli-progress) call require() for Node's built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __bpCreateRequire } from 'node:module';\nconst require = __bpCreateRequire(import.meta.url);",
  },
  define: { BATCHPOINT_VERSION: JSON.stringify(version) },
  legalComments: "none",
  logLevel: "warning",
});
chmodSync(new URL("dist/batchpoint.mjs", import.meta.url), 0o755);

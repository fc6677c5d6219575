import { structuredPatch } from "diff";

type Settings = Record<string, unknown>;

/** "a.b" -> value pairs of a nested settings object, for a field-by-field comparison. */
function flatten(o: Settings, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flatten(v as Settings, key));
    else out[key] = v === null || v === undefined ? "—" : String(v);
  }
  return out;
}

export interface DiffSide {
  version: number;
  scoringScript: string;
  model: string | null;
  interpreter: string | null;
  settings: Settings;
  files: Record<string, string>;
}

/** What changed from version `from` to version `to`: settings that differ, then a unified diff of each code file that changed. */
export function VersionDiff({ from, to }: { from: DiffSide; to: DiffSide }) {
  const a = flatten({ scoringScript: from.scoringScript, model: from.model, interpreter: from.interpreter, ...from.settings });
  const b = flatten({ scoringScript: to.scoringScript, model: to.model, interpreter: to.interpreter, ...to.settings });
  const changedSettings = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
  const paths = [...new Set([...Object.keys(from.files), ...Object.keys(to.files)])].sort();
  const patches = paths
    .map((p) => ({
      path: p,
      patch: structuredPatch(p, p, from.files[p] ?? "", to.files[p] ?? "", `v${from.version}`, `v${to.version}`, { context: 3 }),
    }))
    .filter((p) => p.patch.hunks.length);
  return (
    <div className="space-y-4 p-5">
      <section aria-labelledby="diff-settings">
        <h3 id="diff-settings" className="mb-2 text-sm font-semibold">
          Settings
        </h3>
        {changedSettings.length ? (
          <table className="w-full text-left text-sm" aria-label={`Settings changed from v${from.version} to v${to.version}`}>
            <thead className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-1 pr-4 font-medium">
                  Setting
                </th>
                <th scope="col" className="py-1 pr-4 font-medium">
                  v{from.version}
                </th>
                <th scope="col" className="py-1 font-medium">
                  v{to.version}
                </th>
              </tr>
            </thead>
            <tbody>
              {changedSettings.map((k) => (
                <tr key={k} className="border-t border-zinc-100 dark:border-zinc-800">
                  <th scope="row" className="py-1.5 pr-4 font-mono text-xs font-normal">
                    {k}
                  </th>
                  <td className="py-1.5 pr-4 font-mono text-xs text-red-800 dark:text-red-300">
                    <del>{a[k] ?? "—"}</del>
                  </td>
                  <td className="py-1.5 font-mono text-xs text-green-800 dark:text-green-300">
                    <ins className="no-underline">{b[k] ?? "—"}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No setting differs.</p>
        )}
      </section>
      <section aria-labelledby="diff-code">
        <h3 id="diff-code" className="mb-2 text-sm font-semibold">
          Code
        </h3>
        {patches.length ? (
          patches.map(({ path, patch }) => (
            <div key={path} className="mb-3">
              <p className="mb-1 font-mono text-xs font-medium">
                {path}
                {!(path in from.files) ? " (added)" : !(path in to.files) ? " (removed)" : ""}
              </p>
              <pre
                tabIndex={0}
                aria-label={`Changes to ${path}`}
                className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100"
              >
                {patch.hunks.map((h, i) => (
                  <span key={i} className="block">
                    <span className="block text-sky-300">
                      @@ -{h.oldStart},{h.oldLines} +{h.newStart},{h.newLines} @@
                    </span>
                    {h.lines.map((line, j) => (
                      <span
                        key={j}
                        className={
                          line.startsWith("+")
                            ? "block bg-green-950 text-green-200"
                            : line.startsWith("-")
                              ? "block bg-red-950 text-red-200"
                              : "block"
                        }
                      >
                        {line}
                      </span>
                    ))}
                  </span>
                ))}
              </pre>
            </div>
          ))
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">The code is the same.</p>
        )}
      </section>
    </div>
  );
}

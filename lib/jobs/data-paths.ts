import { prefixProblem, printable } from "@/lib/storage/names";

/**
 * Where a job reads or writes: a path in one of the workspace's datastores, or a blob URL.
 * Accepted forms (Azure ML's first, for compatibility):
 *   azureml://datastores/<datastore>/paths/<path>
 *   datastores/<datastore>/paths/<path>
 *   https://<account>.blob.core.windows.net/<container>/<path>[?<sas>]   (no SAS: a public container, read anonymously)
 *   http(s)://<host>:<port>/<account>/<container>/<path>[?<sas>]   (emulator, path-style)
 */
export type DataPath =
  | { kind: "datastore"; datastore: string; path: string }
  | { kind: "url"; accountName: string; containerName: string; path: string; sas?: string; endpoint: string };

export class DataPathError extends Error {}

const DATASTORE_RE = /^(?:azureml:\/\/)?datastores\/([A-Za-z][A-Za-z0-9_]{2,63})\/paths\/(.*)$/;

function cleanPath(p: string): string {
  const decoded = p.replace(/^\/+/, "");
  const problem = prefixProblem(decoded);
  if (problem) throw new DataPathError(`The path '${printable(decoded)}' ${problem}.`);
  return decoded;
}

export function parseDataPath(raw: string): DataPath {
  const value = raw.trim();
  const ds = DATASTORE_RE.exec(value);
  if (ds) return { kind: "datastore", datastore: ds[1], path: cleanPath(ds[2]) };
  if (/^https?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DataPathError(`'${value}' is not a valid URL.`);
    }
    const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const sas = url.search ? url.search.slice(1) : undefined;
    const trailing = url.pathname.endsWith("/") && segments.length > (/\.blob\.core\.windows\.net$/i.test(url.hostname) ? 1 : 2) ? "/" : "";
    const azure = /^([a-z0-9]{3,24})\.blob\.core\.windows\.net$/i.exec(url.hostname);
    if (azure) {
      if (segments.length < 1)
        throw new DataPathError("A blob URL needs a container: https://<account>.blob.core.windows.net/<container>/<path>.");
      return {
        kind: "url",
        accountName: azure[1],
        containerName: segments[0],
        path: cleanPath(segments.slice(1).join("/")) + trailing,
        sas,
        endpoint: `${url.protocol}//${url.host}`,
      };
    }
    if (segments.length < 2)
      throw new DataPathError("A path-style blob URL needs an account and a container: http://host:port/<account>/<container>/<path>.");
    return {
      kind: "url",
      accountName: segments[0],
      containerName: segments[1],
      path: cleanPath(segments.slice(2).join("/")) + trailing,
      sas,
      endpoint: `${url.protocol}//${url.host}/${segments[0]}`,
    };
  }
  throw new DataPathError(
    `'${value}' is not a data path. Use datastores/<datastore>/paths/<path> (or azureml://datastores/<datastore>/paths/<path>), or an https blob URL (of a public container, or with a SAS token), or a data asset: azureml:<name>@latest or azureml:<name>:<version>.`,
  );
}

export function formatDataPath(p: DataPath): string {
  return p.kind === "datastore" ? `datastores/${p.datastore}/paths/${p.path}` : `${p.endpoint}/${p.containerName}/${p.path}`;
}

/**
 * A data path as it may leave the server (API, job page, job files, the scoring payload, messages):
 * a blob URL's query, its SAS token, keeps each parameter's name with the value replaced by
 * ******** (`?sv=********&sig=********`), so a reader sees that a SAS was given and never any of it.
 * The stored path keeps the token: the planner and scorer read with it (docs/decisions/0031).
 */
export function maskDataPath(raw: string): string {
  if (!/^https?:\/\//i.test(raw.trim())) return raw;
  const q = raw.indexOf("?");
  if (q === -1) return raw.replace(/#.*$/, "");
  const query = raw
    .slice(q + 1)
    .replace(/#.*$/, "")
    .split("&")
    .filter(Boolean)
    .map((p) => `${p.includes("=") ? p.slice(0, p.indexOf("=")) : p}=********`)
    .join("&");
  return `${raw.slice(0, q)}${query ? `?${query}` : ""}`;
}

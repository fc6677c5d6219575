"use client";

import { TextField } from "@/components/ui/field";

const EXAMPLE = `{
  "claim-1": { "input.txt": { "container": "claims", "filePath": "2026/claim-1.txt" } },
  "claim-2": { "input.txt": { "container": "claims", "filePath": "2026/claim-2.txt" } }
}`;

/**
 * The invoke body's Modzy-style `sources` and the job's own storage credentials, from the form. The
 * sources text is sent as typed when it is not JSON, so the server's 400 names the problem.
 */
export function sourcesFromForm(f: FormData) {
  const text = String(f.get("sources") ?? "").trim();
  let sources: unknown = text;
  try {
    sources = JSON.parse(text);
  } catch {
    // left as text: the server answers "expected an object" at sources
  }
  const secret = String(f.get("storageSecret") ?? "").trim();
  const endpoint = String(f.get("blobEndpoint") ?? "").trim();
  const kind = String(f.get("storageSecretKind") ?? "key");
  return {
    sources,
    storage: {
      storageAccount: String(f.get("storageAccount") ?? "").trim(),
      ...(kind === "sas" ? { sasToken: secret } : { storageAccountKey: secret }),
      ...(endpoint ? { blobEndpoint: endpoint } : {}),
    },
  };
}

/** Every server error under `prefix` (sources.claim-1.input.txt.container …), for one field. */
function under(errors: Record<string, unknown>, prefix: string): string[] | undefined {
  const out = Object.entries(errors)
    .filter(([k]) => k === prefix || k.startsWith(`${prefix}.`) || k === `invoke.${prefix}` || k.startsWith(`invoke.${prefix}.`))
    .flatMap(([k, v]) => (v as string[]).map((m) => (k.endsWith(prefix) ? m : `${k.replace(/^invoke\./, "")}: ${m}`)));
  return out.length ? out : undefined;
}

export function SourcesFields({ errors }: { errors: Record<string, unknown> }) {
  const sourcesErrors = under(errors, "sources");
  return (
    <div className="space-y-4 sm:col-span-2">
      <div className="space-y-1.5">
        <label htmlFor="sources" className="block text-sm font-medium">
          Input items (JSON)
        </label>
        <textarea
          id="sources"
          name="sources"
          rows={5}
          placeholder={EXAMPLE}
          aria-describedby="sources-hint"
          aria-invalid={sourcesErrors ? true : undefined}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p id="sources-hint" className="text-xs text-zinc-500">
          Item key → model input name → {"{ container, filePath }"}, as Modzy&apos;s submit_azureblob. Each item is scored as one unit;
          run() gets its files keyed by input name.
        </p>
        {sourcesErrors?.map((m) => (
          <p key={m} className="text-sm text-red-700 dark:text-red-400">
            {m}
          </p>
        ))}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Storage account" name="storageAccount" placeholder="myaccount" errors={under(errors, "storage.storageAccount")} />
        <div className="space-y-1.5">
          <label htmlFor="storageSecretKind" className="block text-sm font-medium">
            Credential
          </label>
          <select
            id="storageSecretKind"
            name="storageSecretKind"
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="key">Account key</option>
            <option value="sas">SAS token (read and list)</option>
          </select>
        </div>
        <TextField
          label="Key or SAS token"
          name="storageSecret"
          type="password"
          autoComplete="off"
          hint="Used for this job only, stored sealed, never shown again."
          errors={under(errors, "storage.storageAccountKey") ?? under(errors, "storage.sasToken")}
        />
        <TextField
          label="Blob endpoint (optional)"
          name="blobEndpoint"
          placeholder="https://myaccount.blob.core.windows.net"
          errors={under(errors, "storage.blobEndpoint") ?? ((errors.storage ?? errors["invoke.storage"]) as string[] | undefined)}
        />
      </div>
    </div>
  );
}

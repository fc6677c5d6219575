import { looksSecret, MASK } from "./settings";

/** Values that are credentials whatever their variable is called: URLs with a password, storage keys and SAS, private keys, well-known token formats. */
export function looksSecretValue(value: string): boolean {
  return (
    /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value) ||
    /(AccountKey|SharedAccessSignature|SharedAccessKey)=|[?&]sig=/i.test(value) ||
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) ||
    /^(sk-|sk_live_|rk_live_|ghp_|gho_|github_pat_|xox[abpr]-|AKIA[0-9A-Z]{12}|glpat-|hf_)/.test(value)
  );
}

/**
 * The one way environment variables leave the server (API, pages, files the platform writes): the
 * value of a secret-looking name, or a value that looks like a credential, is replaced by the mask.
 */
export function presentEnvironmentVariables(env: Record<string, unknown> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env ?? {}).map(([k, v]) => [k, looksSecret(k) || looksSecretValue(String(v)) ? MASK : String(v)]),
  );
}

type JobSettingsLike = { deployment?: { environmentVariables?: Record<string, string> } | null };

/**
 * A job's settings as shown outside the server: the run settings and the deployment's environment
 * variables, masked; the deployment snapshot's internals (ids, content references) left out.
 */
export function presentJobSettings<S extends JobSettingsLike>(
  settings: S,
): Omit<S, "deployment"> & { environmentVariables: Record<string, string> } {
  const { deployment, ...rest } = settings;
  return { ...rest, environmentVariables: presentEnvironmentVariables(deployment?.environmentVariables) };
}

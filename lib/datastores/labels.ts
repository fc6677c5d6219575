/** How each kind of datastore credential is named in the UI. */
export const AUTH_LABELS: Record<string, string> = {
  platform: "Managed by Batchpoint",
  connection_string: "Connection string",
  account_key: "Account key",
  sas: "SAS token",
};

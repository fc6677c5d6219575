/**
 * zod's built-in messages ("Too small: expected string to have >=1 characters") are for
 * developers; a form shows a sentence about the field instead. Our own messages pass through.
 */
export function humanMessage(label: string, message: string, override?: string): string {
  const raw = /^(Too small|Too big|Invalid|Expected|Required|Unrecognized)/i.test(message);
  if (!raw) return message;
  if (override) return override;
  if (/^Too small: expected string/i.test(message) || /received undefined/i.test(message)) return `Enter the ${label.toLowerCase()}.`;
  if (/^Too big: expected string/i.test(message)) return `The ${label.toLowerCase()} is too long; shorten it.`;
  if (/^Too small/i.test(message)) return `The ${label.toLowerCase()} is too small.`;
  if (/^Too big/i.test(message)) return `The ${label.toLowerCase()} is too large.`;
  if (/^Unrecognized/i.test(message)) return `The form sent a field the server does not know; reload the page and try again.`;
  return `Check the ${label.toLowerCase()}: it is not in a form the server accepts.`;
}

// The identifier formats Klaviyo checks on consent requests and on each row of a bulk profile import: an email
// address must look like one, and a phone number must be E.164 (`+`, country code, up to 15 digits).
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/** Why `value` is not a valid email address, or null when it is one (or absent). */
export function emailProblem(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' && EMAIL.test(value)
    ? null
    : `Invalid email address ${JSON.stringify(value)}.`;
}

/** Why `value` is not an E.164 phone number, or null when it is one (or absent). */
export function phoneProblem(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' && E164.test(value)
    ? null
    : `Invalid phone number ${JSON.stringify(value)}: expected E.164, e.g. +15005550006.`;
}

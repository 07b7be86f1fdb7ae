// Queue message bodies as pure ASCII JSON. SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
// #x10000–#x10FFFF, while a valid JSON text may hold any of U+0000–U+FFFF in its strings, lone surrogates
// included (as `\ud800` escapes). JSON.stringify escapes control characters and lone surrogates but leaves
// U+FFFE, U+FFFF and everything else raw, so a body holding them is refused on every retry. Writing every
// non-ASCII UTF-16 code unit (and DEL) as `\uXXXX` makes any JSON value a body every queue accepts, gives the
// exact value back on JSON.parse, and makes a body's size in bytes equal to its length.

/** Every UTF-16 code unit but printable ASCII (JSON.stringify has already escaped U+0000–U+001F in JSON). */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

const escape = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Re-encodes a JSON text with DEL and every non-ASCII code unit as `\uXXXX`. Outside its strings a JSON text
 * is ASCII, so only string contents change, and only in how they are written. Idempotent.
 */
export function toAsciiJson(json: string): string {
  return toAsciiText(json);
}

/**
 * A message attribute value (SQS holds String values to the body's rule) in printable ASCII, each other code
 * unit written as `\uXXXX`. For values that are read, not parsed: the correlation id that log lines carry.
 */
export function toAsciiText(text: string): string {
  return text.replace(NOT_PRINTABLE_ASCII, escape);
}

/** The queue message body for a value: JSON, printable ASCII only. */
export function encodeMessageBody(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError('a message body must be a JSON value');
  return toAsciiJson(json);
}

// Queue message bodies that every queue accepts. SQS takes only #x9 | #xA | #xD | #x20–#xD7FF |
// #xE000–#xFFFD | #x10000–#x10FFFF, while a valid JSON text may hold any of U+0000–U+FFFF in its strings.
// JSON.stringify already escapes control characters and lone surrogates, but leaves U+FFFE and U+FFFF raw,
// so a body holding them is refused on every retry. Writing just the refused characters as `\uXXXX` gives the
// exact value back on JSON.parse and keeps every other character as UTF-8: escaping all non-ASCII would make
// accented or CJK text three times larger and push valid webhooks over the queue's size limit.

// With the u flag a lone surrogate is one code point outside the allowed ranges; a valid pair is inside them.
const REFUSED_BY_SQS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const escape = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Re-encodes a JSON text with every character SQS refuses as `\uXXXX`. Outside its strings a JSON text is
 * ASCII, so only string contents change, and only in how they are written. Idempotent.
 */
export function toQueueSafeJson(json: string): string {
  return toQueueSafeText(json);
}

/**
 * A message attribute value (SQS holds String values to the body's rule) with each refused character written
 * as `\uXXXX`. For values that are read, not parsed: the correlation id that log lines carry.
 */
export function toQueueSafeText(text: string): string {
  return text.replace(REFUSED_BY_SQS, escape);
}

/** The queue message body for a value: JSON that every queue accepts; its size is Buffer.byteLength. */
export function encodeMessageBody(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError('a message body must be a JSON value');
  return toQueueSafeJson(json);
}

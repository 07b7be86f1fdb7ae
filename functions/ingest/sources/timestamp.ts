// Signed timestamps: read what senders send (Unix seconds or milliseconds, ISO 8601, HTTP dates) and
// refuse a request whose timestamp is further from our clock than the source's tolerance, so a captured
// request cannot be replayed later with its still-valid signature.
import type { Verification } from './source-adapter.ts';

const DIGITS = /^\d{1,16}$/;

/** Milliseconds since the epoch, or undefined when the text is no timestamp we know. */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (DIGITS.test(trimmed)) {
    const value = Number(trimmed);
    // Thirteen digits or more is milliseconds (seconds would be past the year 33658).
    return trimmed.length >= 13 ? value : value * 1000;
  }
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A failed Verification when the timestamp is unreadable or outside the tolerance; undefined when fine. */
export function checkTimestamp(
  header: string,
  value: string | undefined,
  nowMs: number,
  toleranceSeconds: number,
): Extract<Verification, { ok: false }> | undefined {
  if (!value) return { ok: false, code: 'missing_signature', message: `${header} header is missing` };
  const at = parseTimestamp(value);
  if (at === undefined)
    return { ok: false, code: 'invalid_signature', message: `${header} is not a timestamp` };
  const skewSeconds = Math.round(Math.abs(nowMs - at) / 1000);
  if (skewSeconds > toleranceSeconds) {
    return {
      ok: false,
      code: 'stale_timestamp',
      message: `${header} is ${skewSeconds} s from the relay's clock; the tolerance is ${toleranceSeconds} s, so the request may be a replay`,
    };
  }
  return undefined;
}

// The version a state write carries (a profile upsert's, a consent write's); deliver writes state only forward by it.
// - `as_of`, a time: what the mapping reads from the record (its `updated_at`, `consent_updated_at`), else when the
//   relay received the webhook. A value that is no time falls back to the received time and is reported, like an
//   event's time: the write is not lost for it.
// - `sequence`, when the mapping names one: a number the source counts up with each change, carried as its digits.
//   There is no number to fall back to (the received time is no sequence, and a write without a version could put
//   older state over newer), so a value that is not a non-negative integer is a mapping problem: that write is
//   skipped with the reason (logged, counted), and the webhook's other writes go on.
import { readValue, type ValueSpec } from '../../shared/config/expression.ts';
import type { TimeFallback } from './build-event.ts';
import type { SkippedEvent } from './plan-events.ts';
import { toTime } from './values.ts';

export async function stateVersion(
  spec: ValueSpec | undefined,
  context: unknown,
  where: string,
  receivedAt: string,
  timeFallbacks?: TimeFallback[],
): Promise<string> {
  if (spec === undefined) return receivedAt;
  const mapped = await readValue(spec, context, where);
  const time = toTime(mapped);
  if (time !== undefined) return time;
  if (mapped !== undefined && mapped !== null)
    timeFallbacks?.push({ where, value: typeof mapped === 'string' ? mapped.slice(0, 100) : mapped });
  return receivedAt;
}

/** The most digits a sequence may have: a DynamoDB number holds 38, so deliver's store compares them exactly. */
export const MAX_SEQUENCE_DIGITS = 38;

/** A mapped value as a sequence number (its decimal digits), or why it is none. */
export function toSequence(value: unknown): { sequence: string } | { problem: string } {
  if (value === undefined || value === null) return { problem: 'the record gave no sequence number' };
  const shown = (JSON.stringify(value) as string | undefined)?.slice(0, 50) ?? typeof value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) return { problem: `${shown} is not a non-negative integer` };
    // A double past 2^53 has lost digits already; the payload's own integers past it arrive as text (exact).
    if (!Number.isSafeInteger(value))
      return { problem: `${shown} is past 2^53 and not exact as a number; map its digits as text` };
    return { sequence: String(value) };
  }
  const digits = typeof value === 'string' ? value.trim() : '';
  if (!/^[0-9]+$/.test(digits)) return { problem: `${shown} is not a non-negative integer` };
  const sequence = digits.replace(/^0+(?=.)/, '');
  if (sequence.length > MAX_SEQUENCE_DIGITS)
    return { problem: `${shown} has more than ${MAX_SEQUENCE_DIGITS} digits` };
  return { sequence };
}

/**
 * The write's sequence from `spec` (`{}` when the mapping sets none), or undefined when it has none to give: then
 * the problem is in `skipped` and the write must not be made.
 */
export async function stateSequence(
  spec: ValueSpec | undefined,
  context: unknown,
  where: string,
  skipped: SkippedEvent[],
): Promise<{ sequence?: string } | undefined> {
  if (spec === undefined) return {};
  const read = toSequence(await readValue(spec, context, where));
  if ('sequence' in read) return read;
  skipped.push({ where, reason: read.problem });
  return undefined;
}

// The version a state write carries (`as_of`: a profile upsert's, a consent write's): what the mapping reads from
// the record (its `updated_at`, `consent_updated_at`, an epoch sequence), else when the relay received the
// webhook. Deliver writes state only forward by it. A value that is no time falls back to the received time and
// is reported, like an event's time: the write is not lost for it.
import { readValue, type ValueSpec } from '../../shared/config/expression.ts';
import type { TimeFallback } from './build-event.ts';
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

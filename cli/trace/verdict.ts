// The one line at the top of a trace: where the webhook is now, from its dedupe record, the queues' messages
// and the stages' log lines. A message still in a DLQ or queue says more than any log line; then the latest
// log line that ends the webhook's way (delivered, dead-lettered, dropped by hydrate); then the record alone.
import type { DedupeRecord } from './dedupe-record.ts';
import type { TraceLogLine } from './log-line.ts';
import type { QueueScan } from './queue-scan.ts';

/** Outcomes after which a webhook goes no further (functions/shared/stage/ runners, hydrate and deliver). */
const FINAL_OUTCOMES = new Set([
  'delivered',
  'dead_lettered',
  'skipped',
  'loop_guarded',
  'stale_state_skipped',
]);

function verdictOfLogLine(line: TraceLogLine): string {
  switch (line.outcome) {
    case 'delivered':
      return 'delivered';
    case 'stale_state_skipped':
      return `skipped by ${line.function}: older than state the relay had already written (consent or profile)`;
    case 'dead_lettered':
      return `dead-lettered in ${line.function}: ${line.reason ?? '?'} (no longer in the DLQ)`;
    default:
      return `dropped by ${line.function}: ${line.outcome ?? '?'}`;
  }
}

/** The stage, and the queue when it is one of the stage's family queues (`deliver (deliver-consent)`). */
const whereIn = (scan: QueueScan) =>
  scan.queue === scan.stage ? scan.stage : `${scan.stage} (${scan.queue})`;

export function verdictOf(
  record: DedupeRecord | null,
  scans: readonly QueueScan[],
  lines: readonly TraceLogLine[],
): string {
  const letters = scans.filter((s) => s.kind === 'dlq' && s.hits.length > 0);
  if (letters.length > 0)
    return letters
      .map((s) => `dead-lettered in ${whereIn(s)}: ${[...new Set(s.hits.map((h) => h.reason))].join(', ')}`)
      .join('; ');
  const waiting = scans.find((s) => s.kind === 'queue' && s.hits.length > 0);
  if (waiting) return `waiting in the ${whereIn(waiting)} queue`;
  const final = lines.filter((l) => l.outcome !== null && FINAL_OUTCOMES.has(l.outcome)).at(-1);
  if (final) return verdictOfLogLine(final);
  if (record === null) return 'never accepted (or its dedupe record has expired)';
  switch (record.state) {
    case 'pending':
      return `claimed by ingest, not confirmed as enqueued (lease until ${record.lease_until ?? '?'})`;
    case 'expired':
      return 'accepted once; its dedupe record has expired and nothing else was found';
    default:
      return 'accepted and enqueued; not in a queue, and no later stage logged it (in flight, or logged before --since)';
  }
}

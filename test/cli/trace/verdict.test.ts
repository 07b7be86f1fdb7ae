// relay trace's one-line verdict: a message in a DLQ or queue first, then the latest final log line, then the
// dedupe record alone.
import { describe, expect, it } from 'vitest';
import type { DedupeRecord } from '../../../cli/trace/dedupe-record.ts';
import type { TraceLogLine } from '../../../cli/trace/log-line.ts';
import type { QueueScan } from '../../../cli/trace/queue-scan.ts';
import { verdictOf } from '../../../cli/trace/verdict.ts';

const done: DedupeRecord = {
  state: 'done',
  stored_status: 'done',
  claimed_at: null,
  lease_until: null,
  expires_at: null,
};
const pending: DedupeRecord = {
  state: 'pending',
  stored_status: 'pending',
  claimed_at: '2026-12-03T10:00:00.000Z',
  lease_until: '2026-12-03T10:00:30.000Z',
  expires_at: null,
};

function scan(
  stage: 'hydrate' | 'deliver',
  kind: 'queue' | 'dlq',
  reasons: (string | null)[] = [],
  queue: string = stage,
): QueueScan {
  const hits = reasons.map((reason, i) => ({ message_id: `m${i}`, reason, failed_at: null, detail: null }));
  return { queue, stage, kind, scanned: hits.length, bound_hit: false, in_flight: 0, hits };
}
const empty = [
  scan('hydrate', 'queue'),
  scan('hydrate', 'dlq'),
  scan('deliver', 'queue'),
  scan('deliver', 'dlq'),
];

const line = (
  time: string,
  fn: string,
  outcome: string | null,
  reason: string | null = null,
): TraceLogLine => ({
  time,
  function: fn,
  level: 'INFO',
  message: '',
  outcome,
  reason,
});

describe('verdictOf', () => {
  it('names the DLQ and the reason of a dead letter, before anything else', () => {
    const scans = [scan('hydrate', 'dlq', ['source_api_404']), scan('deliver', 'queue', [null])];
    expect(verdictOf(done, scans, [line('1', 'hydrate', 'dead_lettered', 'source_api_404')])).toBe(
      'dead-lettered in hydrate: source_api_404',
    );
  });

  it('names the family queue whose DLQ holds a letter, and the one a message waits in', () => {
    const scans = [
      ...empty,
      scan('deliver', 'dlq', [], 'deliver-profiles'),
      scan('deliver', 'dlq', ['klaviyo_400'], 'deliver-consent'),
    ];
    expect(verdictOf(done, scans, [])).toBe('dead-lettered in deliver (deliver-consent): klaviyo_400');
    expect(verdictOf(done, [scan('deliver', 'queue', [null], 'deliver-catalog')], [])).toBe(
      'waiting in the deliver (deliver-catalog) queue',
    );
  });

  it('names the queue a message waits in', () => {
    expect(verdictOf(done, [scan('deliver', 'queue', [null])], [line('1', 'hydrate', 'hydrated')])).toBe(
      'waiting in the deliver queue',
    );
  });

  it('takes the latest final log line when no queue holds it: a redriven letter that was then delivered', () => {
    const lines = [
      line('2026-12-03T10:00:01Z', 'deliver', 'dead_lettered', 'klaviyo_400'),
      line('2026-12-03T10:05:00Z', 'deliver', 'delivered'),
    ];
    expect(verdictOf(done, empty, lines)).toBe('delivered');
    expect(verdictOf(done, empty, lines.slice(0, 1))).toBe(
      'dead-lettered in deliver: klaviyo_400 (no longer in the DLQ)',
    );
    expect(verdictOf(done, empty, [line('1', 'hydrate', 'loop_guarded')])).toBe(
      'dropped by hydrate: loop_guarded',
    );
  });

  it('says when deliver skipped a state write older than one the relay had written (consent, profile)', () => {
    expect(verdictOf(done, empty, [line('1', 'deliver', 'stale_state_skipped')])).toBe(
      'skipped by deliver: older than state the relay had already written (consent or profile)',
    );
  });

  it('falls back to the dedupe record', () => {
    expect(verdictOf(null, empty, [])).toBe('never accepted (or its dedupe record has expired)');
    expect(verdictOf(pending, empty, [])).toBe(
      'claimed by ingest, not confirmed as enqueued (lease until 2026-12-03T10:00:30.000Z)',
    );
    expect(verdictOf(done, empty, [line('1', 'ingest', 'accepted')])).toMatch(
      /^accepted and enqueued; not in a queue/,
    );
  });
});

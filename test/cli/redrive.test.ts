// `relay dlq redrive` ends (cli/redrive.ts): each letter present at the start is sent back at most once; a letter
// the stage writes again for it is counted as failed again and left; a letter written after the start is left.
// Here the DLQ is an array and the stage dead-letters every letter sent back, at once, as a new DLQ message.
import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry, DlqReader } from '../../operations/dead-letters.ts';
import { redrive } from '../../cli/redrive.ts';

const STARTED = Date.parse('2026-12-07T12:00:00Z');

function letter(id: string, original: string, failedAt: number, reason = 'klaviyo_400'): DeadLetterEntry {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: JSON.stringify({ type: 'dead-letter', original }),
    correlationId: `demo:${original}`,
    source: 'demo',
    reason,
    failedAt: new Date(failedAt),
    letter: {
      type: 'dead-letter',
      version: 1,
      stage: 'deliver',
      reason,
      failed_at: new Date(failedAt).toISOString(),
      original,
    },
  };
}

/** A DLQ whose stage fails every letter sent back again: the send puts a new letter (new id, same original) in. */
function failingAgainDlq(initial: DeadLetterEntry[]) {
  let queue = [...initial];
  let next = 0;
  const sentBack: string[] = [];
  const reader: DlqReader = {
    next() {
      const batch = queue.slice(0, 2);
      queue = queue.slice(2);
      return Promise.resolve(batch);
    },
    remove: () => Promise.resolve(),
    release: () => Promise.resolve(),
  };
  return {
    reader,
    sentBack,
    sendBack(entries: DeadLetterEntry[]) {
      for (const entry of entries) {
        sentBack.push(entry.letter?.original ?? '');
        next += 1;
        queue.push(
          letter(`again-${next}`, entry.letter?.original ?? '', STARTED + 1_000 + next, 'klaviyo_400'),
        );
      }
      return Promise.resolve(entries);
    },
  };
}

const silent = { increment: () => undefined, setTotal: () => undefined, stop: () => undefined };

describe('dlq redrive', () => {
  it('sends each letter present at the start back once and ends, though the stage fails each again', async () => {
    const dlq = failingAgainDlq([
      letter('a', 'order-1', STARTED - 60_000),
      letter('b', 'order-2', STARTED - 50_000),
      letter('c', 'order-3', STARTED - 40_000, 'retries_exhausted'),
      // Written after the redrive started (live traffic): not this run's.
      letter('d', 'order-4', STARTED + 500),
    ]);
    const result = await redrive(
      {
        reader: dlq.reader,
        sendBack: (e) => dlq.sendBack(e),
        stageQueueEmpty: () => Promise.resolve(true),
        progress: silent,
      },
      {
        matches: (e) => e.reason === 'klaviyo_400',
        rate: 1_000_000,
        dryRun: false,
        waitMs: 5_000,
        atStart: 4,
        startedAt: STARTED,
      },
    );
    expect(dlq.sentBack).toEqual(['order-1', 'order-2']);
    expect(result).toEqual({
      at_start: 4,
      matched: 2,
      redriven: 2,
      failed: 0,
      skipped: 1,
      failed_again: 2,
      failed_again_by_reason: { klaviyo_400: 2 },
      arrived_during_run: 1,
    });
  });
});

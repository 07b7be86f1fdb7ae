// Deferral and dead letters through local mode (SQS emulator, the poller, the real deliver handler) against the
// Klaviyo mock: a message that waits for Klaviyo's budget more times than maxReceiveCount is still delivered
// (deferral re-sends it, so it does not use up the receives meant for failures), and a message whose last allowed
// receive fails reaches the DLQ as a DeadLetterV1 with the reason, the last error and the attempts — put there by
// the stage, never by SQS's redrive.
import type { SendMessageBatchRequest } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventFixture } from '../helpers/stage-messages.ts';
import { waitFor } from '../helpers/wait.ts';
import { startDeliverStack, type DeliverStack } from './deliver-harness.ts';

let harness: DeliverStack | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Starts the stack and counts the deliver stage's re-sends (entries with a delay) by correlation id. */
async function start(...args: Parameters<typeof startDeliverStack>) {
  harness = await startDeliverStack(...args);
  if (!harness.stack.klaviyoMock) throw new Error('the Klaviyo mock should run');
  const resends = new Map<string, number>();
  const { sqs, deliver } = harness.stack.aws;
  sqs.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Partial<SendMessageBatchRequest>;
      if (input.QueueUrl === deliver.url)
        for (const entry of input.Entries ?? []) {
          if (entry.DelaySeconds === undefined) continue;
          const id = entry.MessageAttributes?.correlation_id?.StringValue ?? '?';
          resends.set(id, (resends.get(id) ?? 0) + 1);
        }
      return next(args);
    },
    { step: 'initialize', name: 'countDeferrals' },
  );
  return { mock: harness.stack.klaviyoMock, resends };
}
const drained = (timeoutMs = 25_000) =>
  waitFor('the deliver queue to drain', () => harness?.stack.drained(), { timeoutMs });
const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => eventFixture(from + i));

describe('deferral does not use up the receives meant for failures', () => {
  it('throttled by Klaviyo more times than maxReceiveCount: still delivered, never in the DLQ', async () => {
    const { mock, resends } = await start({}, { maxReceiveCount: 3, deliver: { backoff: () => 1 } });
    mock.inject({ status: 429, times: 5, retryAfter: 1, path: '/api/events' });
    await harness?.enqueue(events(1));
    await drained(40_000);
    expect(mock.requests().map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 202]);
    expect(mock.events().map((e) => e.uniqueId)).toEqual(['demo:d-0']);
    expect(resends.get('demo:d-0')).toBe(5);
    const dlq = await harness?.drainDlq();
    expect(dlq?.letters).toEqual([]);
    expect(dlq?.raw).toEqual([]);
  }, 60_000);

  it('a backlog paced over several of Klaviyo’s windows with maxReceiveCount 2: every event delivered once', async () => {
    // 4 requests per (scaled) 2 s window, and no wait slept: 20 events need five windows, so most are deferred,
    // and the deferrals are spread over the windows to come rather than all sent back at the next free slot.
    // (Windows of 2 s, not Klaviyo's 60 s, keep the file fast; still longer than SQS's 1 s delay granularity.)
    const { mock, resends } = await start(
      { max_pacing_wait_ms: 0, max_concurrency: 1 },
      {
        maxReceiveCount: 2,
        klaviyoMock: { timeScale: 30, limits: { create_event: { burst: 350, steady: 4 } } },
        deliver: { backoff: () => 1 },
      },
    );
    const started = Date.now();
    await harness?.enqueue(events(20));
    await drained(90_000);
    expect(new Set(mock.events().map((e) => e.uniqueId)).size).toBe(20);
    expect(mock.events()).toHaveLength(20);
    const dlq = await harness?.drainDlq();
    expect(dlq?.letters).toEqual([]);
    expect(dlq?.raw).toEqual([]);
    const deferrals = [...resends.values()].reduce((a, b) => a + b, 0);
    expect(deferrals).toBeGreaterThanOrEqual(10);
    // Diagnostics for the reader, not an assertion on time (tests never assert wall-clock times).
    console.info(
      `paced backlog: ${deferrals} deferrals, at most ${Math.max(...resends.values())} for one message, ` +
        `${mock.requests().filter((r) => r.status === 429).length} 429s, drained in ${Date.now() - started} ms`,
    );
  }, 120_000);
});

describe('dead letters with a reason', () => {
  it('the last allowed failing receive: a DeadLetterV1 with reason, last error and attempts, not a redrive', async () => {
    const { mock } = await start({}, { maxReceiveCount: 3, deliver: { backoff: () => 1 } });
    mock.inject({ status: 503, times: 1_000, path: '/api/events' });
    await harness?.enqueue(events(1, 50));
    await waitFor('a letter in the DLQ', async () => (await harness?.dlqDepth()) === 1, {
      timeoutMs: 30_000,
    });
    await drained();
    expect(mock.requests().map((r) => r.status)).toEqual([503, 503, 503]);
    const dlq = await harness?.drainDlq();
    // Nothing arrived untouched, as SQS's redrive would have moved it.
    expect(dlq?.raw).toEqual([]);
    expect(dlq?.letters).toHaveLength(1);
    expect(dlq?.letters[0]).toMatchObject({
      stage: 'deliver',
      reason: 'retries_exhausted',
      attempts: 3,
      last_error: { reason: 'klaviyo_503' },
    });
    expect(dlq?.letters[0]?.original).toContain('demo:d-50');
  }, 60_000);
});

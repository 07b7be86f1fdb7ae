// Deliver's failure handling through local mode (SQS emulator, the poller, the real handler) against the
// Klaviyo mock: a lost response after Klaviyo recorded the event, 5xx, a permanent 400 with its reason, and a
// bad key — nothing lost, nothing recorded twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { eventFixture } from '../helpers/stage-messages.ts';
import { waitFor } from '../helpers/wait.ts';
import { startDeliverStack, type DeliverStack } from './deliver-harness.ts';

let harness: DeliverStack;
let mock: KlaviyoMock;

beforeAll(async () => {
  harness = await startDeliverStack(
    { bulk_threshold: 20 },
    // Retries after 1 s instead of 10 s, and three receives before SQS's redrive, so the test runs in seconds.
    // Batches of up to 100 gathered for 1 s, so 20 or more events go through Bulk Create Events.
    { maxReceiveCount: 3, deliver: { backoff: () => 1, batchSize: 100, maxBatchingWindowMs: 1_000 } },
  );
  if (!harness.stack.klaviyoMock) throw new Error('the Klaviyo mock should run');
  mock = harness.stack.klaviyoMock;
});
afterAll(async () => {
  await harness.stop();
});
beforeEach(async () => {
  mock.reset();
  await harness.drainDlq();
});

const drained = () =>
  waitFor('the deliver queue to drain', () => harness.stack.drained(), { timeoutMs: 25_000 });
const statuses = (path: string) =>
  mock
    .requests()
    .filter((r) => r.path === path)
    .map((r) => r.status);

describe('deliver failures, end to end', () => {
  it('a response lost after Klaviyo recorded the event: redelivered, still one event', async () => {
    mock.inject({ status: 500, times: 1, phase: 'after', path: '/api/events' });
    await harness.enqueue([eventFixture(1)]);
    await drained();
    expect(statuses('/api/events')).toEqual([500, 202]);
    expect(mock.events().map((e) => e.uniqueId)).toEqual(['demo:d-1']);
  });

  it('the same for a bulk request: every event recorded once', async () => {
    mock.inject({ status: 504, times: 1, phase: 'after', path: '/api/event-bulk-create-jobs' });
    const events = Array.from({ length: 25 }, (_, i) => eventFixture(100 + i));
    await harness.enqueue(events.slice(0, 10));
    await harness.enqueue(events.slice(10, 20));
    await harness.enqueue(events.slice(20));
    await drained();
    expect(mock.events()).toHaveLength(25);
    expect(new Set(mock.events().map((e) => e.uniqueId)).size).toBe(25);
    expect(statuses('/api/event-bulk-create-jobs')[0]).toBe(504);
  });

  it('5xx: retried with backoff until delivered once', async () => {
    mock.inject({ status: 503, times: 2, path: '/api/events' });
    await harness.enqueue([eventFixture(2), eventFixture(3)]);
    await drained();
    expect(statuses('/api/events').filter((s) => s === 503)).toHaveLength(2);
    expect(
      mock
        .events()
        .map((e) => e.uniqueId)
        .sort(),
    ).toEqual(['demo:d-2', 'demo:d-3']);
    expect((await harness.drainDlq()).letters).toHaveLength(0);
  });

  it('a permanent 400: in the DLQ at once with Klaviyo’s detail and pointer; the others delivered', async () => {
    // 1980 passes our contract but not Klaviyo's rule (events after 1990).
    await harness.enqueue([eventFixture(4, { time: '1980-01-01T00:00:00.000Z' }), eventFixture(5)]);
    await drained();
    const { letters } = await harness.drainDlq();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ stage: 'deliver', reason: 'klaviyo_400' });
    expect(letters[0]?.detail).toEqual([
      expect.objectContaining({ code: 'invalid', source: { pointer: '/data/attributes/time' } }),
    ]);
    expect(letters[0]?.original).toContain('demo:d-4');
    expect(mock.events().map((e) => e.uniqueId)).toEqual(['demo:d-5']);
    // Sent once: a permanent error is not retried.
    expect(statuses('/api/events').filter((s) => s === 400)).toHaveLength(1);
  });

  it('one invalid event in a bulk request: only it is dead-lettered', async () => {
    const events = Array.from({ length: 24 }, (_, i) =>
      eventFixture(200 + i, i === 7 ? { time: '1980-01-01T00:00:00.000Z' } : {}),
    );
    await harness.enqueue(events.slice(0, 10));
    await harness.enqueue(events.slice(10, 20));
    await harness.enqueue(events.slice(20));
    await drained();
    const { letters } = await harness.drainDlq();
    expect(letters.map((l) => l.original.includes('demo:d-207'))).toEqual([true]);
    expect(JSON.stringify(letters[0]?.detail)).toContain('/attributes/events/data/');
    expect(mock.events()).toHaveLength(23);
    expect(mock.events().every((e) => e.via === 'bulk_create_events')).toBe(true);
    expect(statuses('/api/event-bulk-create-jobs')).toEqual([400, 202]);
  });

  it('a bad key: retried, never dropped, in the DLQ with its reason after the receive count, delivered after a redrive', async () => {
    mock.inject({ status: 401, times: 1_000, path: '/api/events' });
    await harness.enqueue([eventFixture(6), eventFixture(7)]);
    await waitFor('both messages in the DLQ', async () => (await harness.dlqDepth()) === 2);
    await drained();
    // Three receives, three 401s each; at the third the stage itself sent each to the DLQ with the reason, the
    // last error and the attempts (SQS's redrive, which would have moved them without a reason, never acts).
    expect(statuses('/api/events').filter((s) => s === 401)).toHaveLength(6);
    expect(mock.events()).toHaveLength(0);
    // The key is fixed; a redrive puts each letter's original message back and they are delivered once.
    await fetch(`${mock.url}/_mock/faults`, { method: 'DELETE' });
    const redriven = await harness.redrive();
    expect(
      redriven.map((body) => {
        const letter = deadLetterV1Schema().parse(JSON.parse(body));
        return [
          letter.reason,
          letter.attempts,
          letter.last_error?.reason,
          (JSON.parse(letter.original) as { type: string }).type,
        ];
      }),
    ).toEqual([
      ['retries_exhausted', 3, 'klaviyo_auth', 'klaviyo.event'],
      ['retries_exhausted', 3, 'klaviyo_auth', 'klaviyo.event'],
    ]);
    await drained();
    expect(
      mock
        .events()
        .map((e) => e.uniqueId)
        .sort(),
    ).toEqual(['demo:d-6', 'demo:d-7']);
  });
});

// Deliver's pacing and operations through local mode against the Klaviyo mock: a burst of 429s, a steady
// limit the pacer reads from RateLimit-* headers, the bulk endpoint, and profile upserts.
import { afterEach, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';
import { waitFor } from '../helpers/wait.ts';
import { startDeliverStack, type DeliverStack } from './deliver-harness.ts';

let harness: DeliverStack | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(...args: Parameters<typeof startDeliverStack>): Promise<KlaviyoMock> {
  harness = await startDeliverStack(...args);
  if (!harness.stack.klaviyoMock) throw new Error('the Klaviyo mock should run');
  return harness.stack.klaviyoMock;
}
const drained = (timeoutMs = 25_000) =>
  waitFor('the deliver queue to drain', () => harness?.stack.drained(), { timeoutMs });
const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => eventFixture(from + i));

describe('deliver pacing and operations, end to end', () => {
  it('a burst of 429s: each throttled message waits Retry-After, then all are delivered once', async () => {
    const mock = await start({}, { deliver: { backoff: () => 1 } });
    mock.inject({ status: 429, times: 4, retryAfter: 2, path: '/api/events' });
    await harness?.enqueue(events(8));
    await drained();
    const calls = mock.requests().filter((r) => r.path === '/api/events');
    expect(calls.filter((r) => r.status === 429)).toHaveLength(4);
    expect(new Set(mock.events().map((e) => e.uniqueId)).size).toBe(8);
    expect(mock.events()).toHaveLength(8);
    // Nothing went again before its Retry-After: the first 202 after the 429s is ≥ 2 s later.
    const lastThrottle = Math.max(...calls.filter((r) => r.status === 429).map((r) => Date.parse(r.at)));
    const retried = calls.filter((r) => r.status === 202 && Date.parse(r.at) > lastThrottle);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...retried.map((r) => Date.parse(r.at))) - lastThrottle).toBeGreaterThanOrEqual(1_900);
  });

  it('reads the steady window from RateLimit-* and slows down before Klaviyo says no', async () => {
    // 15 requests per (scaled) 2 s window: 40 events need three windows (2 s, not 60 s, keeps the file fast).
    const mock = await start(
      { max_pacing_wait_ms: 10_000 },
      {
        klaviyoMock: { timeScale: 30, limits: { create_event: { burst: 350, steady: 15 } } },
        deliver: { backoff: () => 1 },
      },
    );
    await harness?.enqueue(events(40));
    await drained(60_000);
    const statuses = mock.requests().map((r) => r.status);
    expect(mock.events()).toHaveLength(40);
    expect(statuses.filter((s) => s === 429).length).toBeLessThanOrEqual(1);
  }, 90_000);

  it('a backlog above the threshold goes through Bulk Create Events, each unique_id once per request', async () => {
    const mock = await start(
      { bulk_threshold: 24 },
      { deliver: { batchSize: 500, maxBatchingWindowMs: 1_000 } },
    );
    const backlog = events(300);
    // SQS redelivery leaves repeats in a batch: the same events again.
    await harness?.enqueue([...backlog, ...backlog.slice(0, 20)]);
    await drained();
    expect(mock.events()).toHaveLength(300);
    expect(mock.events().every((e) => e.via === 'bulk_create_events')).toBe(true);
    const bulk = mock.requests().filter((r) => r.path === '/api/event-bulk-create-jobs');
    expect(bulk.every((r) => r.status === 202)).toBe(true);
    expect(bulk.length).toBeLessThanOrEqual(4);
  });

  it('replays with backfill: recorded without triggering flows', async () => {
    const mock = await start({});
    await harness?.enqueue([eventFixture(1, { backfill: true })]);
    await drained();
    expect(mock.events()[0]).toMatchObject({ backfill: true, attributes: { backfill: true } });
  });

  it('profile import: null clears, absent keeps', async () => {
    const mock = await start({});
    const upsert = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      upsertFixture('p', { attributes, ...extra });
    await harness?.enqueue([
      upsert(
        { first_name: 'Ada', last_name: 'Lovelace', title: 'Countess' },
        { properties: { tier: 'gold' } },
      ),
    ]);
    await drained();
    await harness?.enqueue([
      upsert({ title: null, first_name: 'Augusta' }, { location: { city: 'London' } }),
    ]);
    await drained();
    const [profile, ...others] = mock.profiles();
    expect(others).toHaveLength(0);
    expect(profile).toMatchObject({
      email: 'ada@example.com',
      attributes: { first_name: 'Augusta', last_name: 'Lovelace', location: { city: 'London' } },
      properties: { tier: 'gold' },
    });
    expect(profile?.attributes).not.toHaveProperty('title');
  });
});

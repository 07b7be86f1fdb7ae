// A batch is done only when its last lane is: once the other lanes are done, what the last one would still wait
// for its own endpoint's budget goes back to the queue (deferred, placed by its pacer) instead of holding the batch
// — and with it the next batches' writes to every other endpoint. A batch of one lane waits as before.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import { DeferredError } from '../../functions/shared/stage/errors.ts';
import type { ParsedRecord, RecordOutcome } from '../../functions/shared/stage/stage-options.ts';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { createPacers } from '../../functions/deliver/endpoint-pacers.ts';
import { createKlaviyoClient } from '../../functions/deliver/klaviyo-client.ts';
import { runLanes, type LaneHold } from '../../functions/deliver/lane-hold.ts';
import { RatePacer } from '../../functions/deliver/rate-pacer.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';

const log = createLogger('deliver');
const record = (id: string, message: DeliverMessage) =>
  ({ id, message, log, record: {} }) as unknown as ParsedRecord<DeliverMessage>;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runLanes', () => {
  it('releases only the last lane, once every other lane is done', async () => {
    const holds: LaneHold[] = [];
    const finish: (() => void)[] = [];
    const lane = (hold: LaneHold) => {
      holds.push(hold);
      return new Promise<void>((resolve) => finish.push(resolve));
    };
    const all = runLanes([lane, lane, lane]);
    await tick();
    finish[0]?.();
    await tick();
    expect(holds.map((h) => h.isReleased())).toEqual([false, false, false]);
    finish[2]?.();
    await tick();
    expect(holds.map((h) => h.isReleased())).toEqual([false, true, false]);
    finish[1]?.();
    await all;
  });

  it('never releases the lane of a batch of one', async () => {
    let seen: LaneHold | undefined;
    let release = () => {};
    const all = runLanes([
      (hold) => {
        seen = hold;
        return new Promise<void>((resolve) => (release = resolve));
      },
    ]);
    await tick();
    expect(seen?.isReleased()).toBe(false);
    release();
    await all;
    expect(seen?.isReleased()).toBe(false);
  });

  it('a lane that fails still releases the last one', async () => {
    const holds: LaneHold[] = [];
    let finish = () => {};
    const all = runLanes([
      () => Promise.reject(new Error('lane broke')),
      (hold) => {
        holds.push(hold);
        return new Promise<void>((resolve) => (finish = resolve));
      },
    ]).catch((error: unknown) => error);
    await tick();
    expect(holds[0]?.isReleased()).toBe(true);
    finish();
    expect(await all).toEqual(new Error('lane broke'));
  });
});

describe('RatePacer under a released hold', () => {
  const released: LaneHold = { isReleased: () => true, released: Promise.resolve() };
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  // 1,200/min over a 60 s window: one request every 50–55 ms; the first two go at once (the pacer's catch-up). A
  // released request may wait one interval and a timer's lateness (CATCH_UP_MS, 50 ms); the fourth would wait two.
  async function pacerWithTwoSent() {
    const pacer = new RatePacer({ burst: 20, steady: 1_200, share: 1, instances: 1, maxWaitMs: 10_000 });
    const first = await pacer.acquire();
    pacer.observe({
      ticket: first,
      at: Date.now(),
      status: 202,
      limit: 1_200,
      remaining: 1_100,
      resetSeconds: 60,
    });
    await pacer.acquire();
    return pacer;
  }

  it('still waits one interval for its slot, on its timer', async () => {
    const pacer = await pacerWithTwoSent();
    const before = pacer.snapshot().nextSlotAt;
    expect(before).toBeGreaterThan(Date.now());
    const third = pacer.acquire(Number.POSITIVE_INFINITY, released);
    await vi.advanceTimersByTimeAsync(100);
    await expect(third).resolves.toBe(3);
  });

  it('defers a request that would wait longer than that', async () => {
    const pacer = await pacerWithTwoSent();
    const third = pacer.acquire();
    const fourth = pacer.acquire(Number.POSITIVE_INFINITY, released);
    const settled = Promise.allSettled([third, fourth]);
    await vi.advanceTimersByTimeAsync(100);
    await settled;
    await expect(third).resolves.toBe(3);
    await expect(fourth).rejects.toBeInstanceOf(DeferredError);
    await expect(fourth).rejects.toMatchObject({ reason: 'klaviyo_budget' });
  });
});

describe('deliver: the last lane does not hold the batch', () => {
  // Real client and pacers. Profile import's first answer says its window has nothing left for a second (Remaining
  // 0, Reset 2 s): a second import must wait 2 s — within max_pacing_wait_ms, far past one interval. The first
  // import's answer is held until the test lets it go, so the other lanes are surely done first.
  function harness() {
    const answered: string[] = [];
    let releaseFirstImport = () => {};
    const firstImport = new Promise<void>((resolve) => (releaseFirstImport = resolve));
    const settings = klaviyoSettingsSchema().parse({
      api_key: { env: 'K' },
      bulk_threshold: 50,
      max_pacing_wait_ms: 10_000,
    });
    const klaviyo = createKlaviyoClient({
      settings,
      apiKey: () => Promise.resolve('pk_test'),
      pacer: createPacers({ rate_budget_share: 1, max_concurrency: 1, max_pacing_wait_ms: 10_000 }),
      fetch: async (url) => {
        const path = new URL(url instanceof Request ? url.url : url).pathname;
        const importing = path === '/api/profile-import';
        if (importing && !answered.includes(path)) await firstImport;
        answered.push(path);
        const remaining = importing ? '0' : '700';
        const reset = importing ? '2' : '30';
        return new Response(null, {
          status: 202,
          headers: { 'ratelimit-limit': '750', 'ratelimit-remaining': remaining, 'ratelimit-reset': reset },
        });
      },
    });
    const counted: string[] = [];
    const counters = { count: (name: string) => void counted.push(name) };
    const ports = { klaviyo, settings, counters, log, deadline: Number.POSITIVE_INFINITY };
    return { answered, counted, ports, releaseFirstImport };
  }

  const reasonOf = (outcome: RecordOutcome | undefined) =>
    outcome?.kind === 'retry' && outcome.error instanceof DeferredError
      ? outcome.error.reason
      : outcome?.kind;

  it('defers the profile upsert that waits for its budget once the event and consent are written', async () => {
    const { answered, counted, ports, releaseFirstImport } = harness();
    const batch = deliverBatch(
      [
        record('p1', upsertFixture('p1')),
        record('p2', upsertFixture('p2')),
        record('e1', eventFixture(1)),
        record('c1', consentFixture('c1')),
      ],
      ports,
    );
    for (let i = 0; i < 50 && answered.length < 2; i++) await tick();
    expect(answered.sort()).toEqual(['/api/events', '/api/profile-subscription-bulk-create-jobs']);
    releaseFirstImport();
    const outcomes = await batch;
    // p2 went back to the queue rather than hold the batch 2 s for profile import's budget.
    expect(reasonOf(outcomes.get('p2'))).toBe('klaviyo_budget');
    expect(counted).toContain('deferred');
    expect(['p1', 'e1', 'c1'].map((id) => outcomes.get(id)?.kind)).toEqual(['done', 'done', 'done']);
    expect(answered.filter((path) => path === '/api/profile-import')).toHaveLength(1);
  });

  it('a batch of profile upserts alone waits for the budget, as before', async () => {
    const { counted, ports, releaseFirstImport } = harness();
    const batch = deliverBatch([record('p1', upsertFixture('p1')), record('p2', upsertFixture('p2'))], ports);
    releaseFirstImport();
    const outcomes = await batch;
    expect([outcomes.get('p1')?.kind, outcomes.get('p2')?.kind]).toEqual(['done', 'done']);
    expect(counted).not.toContain('deferred');
  });
});

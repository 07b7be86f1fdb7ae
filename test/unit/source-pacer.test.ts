// Pacing calls to a source's own API: what the rate headers say (Retry-After, Shopify's call limit,
// BigCommerce's quota headers), and the per-source pacer that spaces requests and defers what cannot wait.
import { describe, expect, it } from 'vitest';
import { DeferredError } from '../../functions/shared/stage/errors.ts';
import {
  MAX_PACING_WAIT_MS,
  SourcePacer,
  createSourcePacers,
  rateHintFrom,
} from '../../functions/hydrate/source-pacer.ts';

const NOW = Date.parse('2026-12-03T07:00:00Z');
const headers = (h: Record<string, string>) => new Headers(h);

describe('rateHintFrom', () => {
  it('reads Retry-After as seconds (fractional too) or an HTTP date on 429 and 503', () => {
    expect(rateHintFrom(429, headers({ 'retry-after': '2' }), NOW)).toEqual({ waitMs: 2_000, intervalMs: 0 });
    expect(rateHintFrom(429, headers({ 'retry-after': '2.5' }), NOW).waitMs).toBe(2_500);
    const date = new Date(NOW + 7_000).toUTCString();
    expect(rateHintFrom(503, headers({ 'retry-after': date }), NOW).waitMs).toBe(7_000);
    // A date in the past, or nonsense: no wait from it.
    expect(rateHintFrom(429, headers({ 'retry-after': 'soon' }), NOW).waitMs).toBe(1_000);
    expect(rateHintFrom(200, headers({ 'retry-after': '30' }), NOW).waitMs).toBe(0);
  });

  it('a 429 that says nothing waits one second', () => {
    expect(rateHintFrom(429, headers({}), NOW)).toEqual({ waitMs: 1_000, intervalMs: 0 });
  });

  it('Shopify X-Shopify-Shop-Api-Call-Limit: a full bucket waits for one leak; a nearly full one spaces requests', () => {
    const call = (v: string) => headers({ 'x-shopify-shop-api-call-limit': v });
    expect(rateHintFrom(200, call('10/40'), NOW)).toEqual({ waitMs: 0, intervalMs: 0 });
    // 2 requests/s leak on standard plans: one slot frees every 500 ms.
    expect(rateHintFrom(200, call('39/40'), NOW)).toEqual({ waitMs: 0, intervalMs: 500 });
    expect(rateHintFrom(200, call('40/40'), NOW)).toEqual({ waitMs: 500, intervalMs: 500 });
    expect(
      rateHintFrom(429, headers({ 'x-shopify-shop-api-call-limit': '40/40', 'retry-after': '2.0' }), NOW),
    ).toEqual({ waitMs: 2_000, intervalMs: 500 });
    expect(rateHintFrom(200, call('garbage'), NOW)).toEqual({ waitMs: 0, intervalMs: 0 });
  });

  it('BigCommerce X-Rate-Limit-*: an empty quota waits for the reset; a nearly empty one spreads what is left', () => {
    const bc = (left: string, resetMs: string, quota = '150', windowMs = '30000') =>
      headers({
        'x-rate-limit-requests-left': left,
        'x-rate-limit-time-reset-ms': resetMs,
        'x-rate-limit-requests-quota': quota,
        'x-rate-limit-time-window-ms': windowMs,
      });
    expect(rateHintFrom(200, bc('120', '20000'), NOW)).toEqual({ waitMs: 0, intervalMs: 0 });
    expect(rateHintFrom(200, bc('4', '2000'), NOW)).toEqual({ waitMs: 0, intervalMs: 500 });
    expect(rateHintFrom(429, bc('0', '1500'), NOW)).toEqual({ waitMs: 1_500, intervalMs: 0 });
    expect(rateHintFrom(200, bc('x', '1500'), NOW)).toEqual({ waitMs: 0, intervalMs: 0 });
  });
});

/** A pacer on a fake clock whose sleep moves the clock. */
function fakePacer(requestsPerSecond?: number) {
  let now = NOW;
  const slept: number[] = [];
  const pacer = new SourcePacer({
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  });
  return { pacer, slept, advance: (ms: number) => (now += ms), now: () => now };
}

describe('SourcePacer', () => {
  it('without requests_per_second and without hints, never waits', async () => {
    const { pacer, slept } = fakePacer();
    for (let i = 0; i < 20; i++) await pacer.acquire(Number.POSITIVE_INFINITY);
    expect(slept).toEqual([]);
  });

  it('spaces requests at requests_per_second (a token bucket of one)', async () => {
    const { pacer, slept } = fakePacer(4);
    for (let i = 0; i < 5; i++) await pacer.acquire(Number.POSITIVE_INFINITY);
    expect(slept).toEqual([250, 250, 250, 250]);
  });

  it('slows down as the headers say: a wait, then the hinted spacing', async () => {
    const { pacer, slept } = fakePacer();
    pacer.observe({ waitMs: 600, intervalMs: 500 });
    await pacer.acquire(Number.POSITIVE_INFINITY);
    await pacer.acquire(Number.POSITIVE_INFINITY);
    expect(slept).toEqual([600, 500]);
    // A later answer with room again lifts the spacing (after the slot booked under the old one).
    pacer.observe({ waitMs: 0, intervalMs: 0 });
    await pacer.acquire(Number.POSITIVE_INFINITY);
    await pacer.acquire(Number.POSITIVE_INFINITY);
    expect(slept).toEqual([600, 500, 500]);
  });

  it('a wait longer than it may sleep is deferred, not slept; deferrals queue up one interval apart', async () => {
    const { pacer, slept } = fakePacer(1);
    pacer.observe({ waitMs: 10_000, intervalMs: 0 });
    const errors: DeferredError[] = [];
    for (let i = 0; i < 3; i++) {
      try {
        await pacer.acquire(Number.POSITIVE_INFINITY);
      } catch (error) {
        errors.push(error as DeferredError);
      }
    }
    expect(slept).toEqual([]);
    expect(errors.map((e) => e instanceof DeferredError)).toEqual([true, true, true]);
    expect(errors.map((e) => e.reason)).toEqual(['source_api_paced', 'source_api_paced', 'source_api_paced']);
    expect(errors.map((e) => e.retryAfterSeconds)).toEqual([10, 11, 12]);
    expect(10_000).toBeGreaterThan(MAX_PACING_WAIT_MS);
  });

  it('a slot past the deadline (the invocation’s time left) is deferred with reason hydrate_deadline', async () => {
    const { pacer, now } = fakePacer(1);
    await pacer.acquire(Number.POSITIVE_INFINITY);
    await expect(pacer.acquire(now() + 500)).rejects.toMatchObject({
      name: 'DeferredError',
      reason: 'hydrate_deadline',
      retryAfterSeconds: 1,
    });
  });

  it('defer() after a 429 waits at least the hint and takes the next place', () => {
    const { pacer } = fakePacer(2);
    pacer.observe({ waitMs: 3_000, intervalMs: 0 });
    expect(pacer.defer('source_api_429', 'throttled').retryAfterSeconds).toBe(3);
    expect(pacer.defer('source_api_429', 'throttled').retryAfterSeconds).toBe(4);
  });
});

describe('createSourcePacers', () => {
  it('one pacer per source for the instance, whose rate follows the configuration', () => {
    const pacers = createSourcePacers();
    expect(pacers('shop', 5)).toBe(pacers('shop', 5));
    expect(pacers('shop', 5)).not.toBe(pacers('bc', 5));
    expect(pacers('shop', undefined).requestsPerSecond).toBeUndefined();
    expect(pacers('shop', 8).requestsPerSecond).toBe(8);
  });
});

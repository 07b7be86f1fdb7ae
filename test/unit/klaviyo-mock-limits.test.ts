// The Klaviyo mock's rate limiter and fault queue on their own, with explicit times.
import { describe, expect, it } from 'vitest';
import { FaultQueue, parseFault } from '../../local/klaviyo-mock/faults.ts';
import { RateLimiter, resolveLimits } from '../../local/klaviyo-mock/rate-limiter.ts';
import type { EndpointLimit, KlaviyoOperationId } from '../../local/klaviyo-mock/types.ts';

const published = new Map<KlaviyoOperationId, { path: string; limit: EndpointLimit }>([
  ['create_event', { path: '/api/events', limit: { burst: 350, steady: 3500 } }],
  ['bulk_create_events', { path: '/api/event-bulk-create-jobs', limit: { burst: 10, steady: 150 } }],
]);

describe('RateLimiter', () => {
  const T0 = 1_000_000;

  it('opens each window with the first request and counts burst and steady together', () => {
    const limiter = new RateLimiter(new Map([['create_event', { burst: 2, steady: 3 }]]), 1);
    expect(limiter.take('k', 'create_event', T0)).toMatchObject({
      allowed: true,
      headers: { 'RateLimit-Limit': '3', 'RateLimit-Remaining': '2', 'RateLimit-Reset': '60' },
    });
    expect(limiter.take('k', 'create_event', T0 + 500).allowed).toBe(true);
    expect(limiter.take('k', 'create_event', T0 + 999)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 1,
    });
    // New burst window at T0 + 1000; the steady window still has one place.
    expect(limiter.take('k', 'create_event', T0 + 1000)).toMatchObject({
      allowed: true,
      headers: { 'RateLimit-Remaining': '0', 'RateLimit-Reset': '59' },
    });
    expect(limiter.take('k', 'create_event', T0 + 2000)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 58,
    });
    expect(limiter.take('k', 'create_event', T0 + 60_000).allowed).toBe(true);
  });

  it('keeps one budget per API key and per endpoint, and none for unlimited endpoints', () => {
    const limiter = new RateLimiter(new Map([['create_event', { burst: 1, steady: 10 }]]), 1);
    expect(limiter.take('a', 'create_event', T0).allowed).toBe(true);
    expect(limiter.take('a', 'create_event', T0).allowed).toBe(false);
    expect(limiter.take('b', 'create_event', T0).allowed).toBe(true);
    expect(limiter.take('a', 'bulk_create_events', T0)).toEqual({ allowed: true, headers: {} });
    limiter.reset();
    expect(limiter.take('a', 'create_event', T0).allowed).toBe(true);
  });

  it('shortens the windows by the time scale and reports scaled and unscaled waits', () => {
    const limiter = new RateLimiter(new Map([['create_event', { burst: 5, steady: 1 }]]), 10);
    expect(limiter.take('k', 'create_event', T0).headers).toMatchObject({
      'RateLimit-Reset': '6',
      'X-Mock-RateLimit-Reset-Ms': '6000',
      'X-Mock-Time-Scale': '10',
    });
    const denied = limiter.take('k', 'create_event', T0 + 1500);
    expect(denied).toEqual({
      allowed: false,
      retryAfterSeconds: 5,
      headers: {
        'X-Mock-Retry-After-Ms': '4500',
        'X-Mock-Retry-After-Unscaled': '45',
        'X-Mock-Time-Scale': '10',
      },
    });
    expect(limiter.take('k', 'create_event', T0 + 6000).allowed).toBe(true);
    expect(() => new RateLimiter(new Map(), 0)).toThrow(/timeScale/);
  });
});

describe('resolveLimits', () => {
  it('takes the published limits, none, or overrides by operationId or path', () => {
    expect(resolveLimits('published', published).get('create_event')).toEqual({ burst: 350, steady: 3500 });
    expect(resolveLimits('off', published).size).toBe(0);
    const custom = resolveLimits(
      { '/api/events/': { burst: 1, steady: 2 }, bulk_create_events: 'off' },
      published,
    );
    expect([...custom]).toEqual([['create_event', { burst: 1, steady: 2 }]]);
  });

  it('refuses unknown endpoints and impossible limits', () => {
    expect(() => resolveLimits({ '/api/lists': { burst: 1, steady: 1 } }, published)).toThrow(
      /unknown endpoint/,
    );
    expect(() => resolveLimits({ create_event: { burst: 0, steady: 1 } }, published)).toThrow(/integers/);
  });
});

describe('FaultQueue', () => {
  it('serves status and latency faults first in, first out, per path', () => {
    const queue = new FaultQueue();
    queue.add({ status: 503, times: 1, path: '/api/profile-import/' });
    queue.add({ status: 500, times: 2 });
    queue.add({ latencyMs: 50, times: 1 });

    expect(queue.take('/api/events')).toEqual({ status: { status: 500, times: 2 }, latencyMs: 50 });
    expect(queue.take('/api/profile-import')).toEqual({
      status: { status: 503, times: 1, path: '/api/profile-import/' },
    });
    expect(queue.pending()).toEqual([{ status: 500, times: 1 }]);
    expect(queue.take('/api/events').status?.status).toBe(500);
    expect(queue.take('/api/events')).toEqual({});
  });

  it('applies a fault with a probability to that share of requests, one draw shared in order', () => {
    const draws = [0.01, 0.06, 0.5, 0.049, 0.069, 0.08];
    const queue = new FaultQueue(() => draws.shift() ?? 1);
    queue.add({ status: 503, probability: 0.05 });
    queue.add({ status: 500, probability: 0.02, phase: 'after', path: '/api/events' });
    const statuses = Array.from({ length: 6 }, () => queue.take('/api/events').status?.status);
    // 0.01 and 0.049 fall in the first 5%, 0.06 and 0.069 in the next 2%, 0.5 and 0.08 in neither.
    expect(statuses).toEqual([503, 500, undefined, 503, 500, undefined]);
    // Without `times` a probabilistic fault stays until cleared.
    expect(queue.pending()).toEqual([
      { status: 503, probability: 0.05 },
      { status: 500, probability: 0.02, phase: 'after', path: '/api/events' },
    ]);
    const bounded = new FaultQueue(() => 0);
    bounded.add({ latencyMs: 5, probability: 0.5, times: 2 });
    expect([1, 2, 3].map(() => bounded.take('/api/events').latencyMs)).toEqual([5, 5, undefined]);
  });

  it('draws only for requests a probabilistic fault could apply to', () => {
    let draws = 0;
    const queue = new FaultQueue(() => {
      draws += 1;
      return 0;
    });
    queue.add({ status: 502, times: 1 });
    queue.add({ status: 503, probability: 1, path: '/api/profile-import' });
    expect(queue.take('/api/events').status?.status).toBe(502);
    expect(queue.take('/api/events')).toEqual({});
    expect(draws).toBe(0);
    expect(queue.take('/api/profile-import').status?.status).toBe(503);
    expect(draws).toBe(1);
  });

  it('checks faults that come from outside', () => {
    expect(parseFault({ status: 429, times: 3, retryAfter: 2, phase: 'after' })).toEqual({
      status: 429,
      times: 3,
      retryAfter: 2,
      phase: 'after',
    });
    expect(parseFault({ latencyMs: 10 })).toEqual({ latencyMs: 10, times: 1 });
    expect(parseFault({ status: 503, probability: 0.05 })).toEqual({ status: 503, probability: 0.05 });
    expect(parseFault({ latencyMs: 10, probability: 1, times: 4 })).toEqual({
      latencyMs: 10,
      probability: 1,
      times: 4,
    });
    for (const bad of [
      { status: 503, probability: 0 },
      { status: 503, probability: 1.5 },
      { status: 503, probability: '0.1' },
      null,
      [],
      {},
      { status: 302, times: 1 },
      { status: 500, times: 0 },
      { latencyMs: -1, times: 1 },
    ])
      expect(typeof parseFault(bad)).toBe('string');
    expect(() => new FaultQueue().add({ status: 200, times: 1 })).toThrow(/invalid fault/);
  });
});

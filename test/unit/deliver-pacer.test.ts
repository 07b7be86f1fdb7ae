// Pacing decisions from Klaviyo's RateLimit-* headers, without timers: nextSendDelay is pure, and the pacer's
// clock is injected.
import { describe, expect, it } from 'vitest';
import { DeferredError, RetryableError } from '../../functions/shared/stage/errors.ts';
import { nextSendDelay, sendInterval, type PacerState } from '../../functions/deliver/pacer-state.ts';
import { RatePacer } from '../../functions/deliver/rate-pacer.ts';

const base: PacerState = { blockedUntil: 0, nextSlotAt: 0, inFlight: 0 };

describe('nextSendDelay and sendInterval', () => {
  it('lets the first request go at once, then holds the rest until its answer (probe)', () => {
    expect(nextSendDelay(base, 1_000)).toBe(0);
    expect(nextSendDelay({ ...base, inFlight: 1, nextSlotAt: 1_010 }, 1_001)).toBe('probe');
  });

  it('spreads what is left of the window over the time left in it', () => {
    // 100 requests left, 10 s to the reset: one every 100 ms.
    const state = { ...base, windowEndsAt: 20_000, usable: 100 };
    expect(sendInterval(state, 10_000, 1)).toBeCloseTo(100);
    // A fuller budget goes faster, never faster than the burst spacing.
    expect(sendInterval({ ...state, usable: 100_000 }, 10_000, 5)).toBe(5);
    expect(nextSendDelay({ ...state, nextSlotAt: 10_060 }, 10_000)).toBe(60);
  });

  it('waits for the reset when the share of the window is used up', () => {
    const state = { ...base, windowEndsAt: 20_000, usable: 0, nextSlotAt: 9_000 };
    expect(nextSendDelay(state, 10_000)).toBe(10_000);
  });

  it('waits out a 429’s Retry-After', () => {
    const state = { ...base, windowEndsAt: 20_000, usable: 50, blockedUntil: 12_000, nextSlotAt: 9_000 };
    expect(nextSendDelay(state, 10_000)).toBe(2_000);
  });

  it('probes again once the known window has ended', () => {
    const state = { ...base, windowEndsAt: 20_000, usable: 0, nextSlotAt: 19_000 };
    expect(nextSendDelay(state, 20_001)).toBe(0);
    expect(nextSendDelay({ ...state, inFlight: 1 }, 20_001)).toBe('probe');
  });
});

function pacerAt(clock: { t: number }, options: Partial<ConstructorParameters<typeof RatePacer>[0]> = {}) {
  return new RatePacer({
    burst: 350,
    steady: 3_500,
    share: 1,
    instances: 1,
    maxWaitMs: 2_000,
    now: () => clock.t,
    ...options,
  });
}

describe('RatePacer', () => {
  it('reads Remaining and Reset, counting its own requests still in flight', async () => {
    const clock = { t: 1_000 };
    const pacer = pacerAt(clock);
    const first = await pacer.acquire();
    pacer.observe({
      ticket: first,
      at: 1_000,
      status: 202,
      limit: 3_500,
      remaining: 3_000,
      resetSeconds: 30,
    });
    expect(pacer.snapshot()).toMatchObject({ usable: 3_000, windowEndsAt: 31_000, inFlight: 0 });
    clock.t = 2_000;
    const second = await pacer.acquire();
    // 2,999 left over 29 s: about one every 9.7 ms.
    clock.t = 2_010;
    await pacer.acquire();
    pacer.observe({
      ticket: second,
      at: 2_020,
      status: 202,
      limit: 3_500,
      remaining: 2_990,
      resetSeconds: 29,
    });
    // Others used some; the one we sent after `second` may not be counted in Remaining yet.
    expect(pacer.snapshot()).toMatchObject({ usable: 2_989, inFlight: 1 });
  });

  it('keeps back the part of the reserve the other integrations have not used yet, and no more', async () => {
    const clock = { t: 0 };
    // 20% of 3,500 (700) is the other integrations' reserve; ours is 2,800 a window.
    const idle = pacerAt(clock, { share: 0.8 });
    let ticket = await idle.acquire();
    // Only our request is counted: the whole reserve is still theirs, 2,800 − 1 are ours.
    idle.observe({ ticket, at: 0, status: 202, limit: 3_500, remaining: 3_499, resetSeconds: 60 });
    expect(idle.snapshot().usable).toBe(2_799);

    const busy = pacerAt(clock, { share: 0.8 });
    ticket = await busy.acquire();
    // The others have used their 700 already, and Remaining shows it: keeping 700 back again would leave us
    // 2,099 of our 2,800.
    busy.observe({ ticket, at: 0, status: 202, limit: 3_500, remaining: 2_799, resetSeconds: 60 });
    expect(busy.snapshot().usable).toBe(2_799);

    const partly = pacerAt(clock, { share: 0.8 });
    ticket = await partly.acquire();
    // They have used 300 of their 700: 400 stay out of reach.
    partly.observe({ ticket, at: 0, status: 202, limit: 3_500, remaining: 3_199, resetSeconds: 60 });
    expect(partly.snapshot().usable).toBe(2_799);
    // Never more than Remaining: others that take more than their part leave us what is left.
    const crowded = pacerAt(clock, { share: 0.8 });
    ticket = await crowded.acquire();
    crowded.observe({ ticket, at: 0, status: 202, limit: 3_500, remaining: 1_000, resetSeconds: 10 });
    expect(crowded.snapshot().usable).toBe(1_000);
  });

  it('counts its own requests from the start of each window', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { share: 0.5, maxWaitMs: 0 });
    // Moves the clock on until the pacer lets a request go.
    const nextTicket = async () => {
      for (;;) {
        const ticket = await pacer.acquire().catch(() => undefined);
        if (ticket !== undefined) return ticket;
        clock.t += 1;
      }
    };
    let ticket = await nextTicket();
    pacer.observe({ ticket, at: 0, status: 202, limit: 100, remaining: 99, resetSeconds: 10 });
    for (let i = 0; i < 9; i++) ticket = await nextTicket();
    const resetSeconds = Math.ceil((10_000 - clock.t) / 1_000);
    pacer.observe({ ticket, at: clock.t, status: 202, limit: 100, remaining: 80, resetSeconds });
    // Ten of ours and ten of theirs: our 50 less our 10.
    expect(pacer.snapshot().usable).toBe(40);
    clock.t = 10_500;
    ticket = await nextTicket();
    // A new window: our count starts again from this request.
    pacer.observe({ ticket, at: 10_500, status: 202, limit: 100, remaining: 90, resetSeconds: 10 });
    expect(pacer.snapshot()).toMatchObject({ usable: 49, windowEndsAt: 20_500 });
  });

  it('counts against its share only the requests Klaviyo counted: not 429s or answers without RateLimit headers', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { share: 0.5 });
    const first = await pacer.acquire();
    pacer.observe({ ticket: first, at: 0, status: 202, limit: 100, remaining: 99, resetSeconds: 60 });
    const tickets: number[] = [];
    for (let i = 0; i < 3; i++) {
      clock.t += 2_000;
      tickets.push(await pacer.acquire());
    }
    const [failed, throttled, counted] = tickets as [number, number, number];
    // A 5xx from before Klaviyo's limiter (no RateLimit-* headers) and a 429 did not use the budget.
    pacer.observe({ ticket: failed, at: clock.t, status: 503 });
    pacer.observe({ ticket: throttled, at: clock.t, status: 429, retryAfterSeconds: 1 });
    pacer.observe({ ticket: counted, at: clock.t, status: 202, limit: 100, remaining: 98, resetSeconds: 54 });
    // Ours: 50 less the two Klaviyo counted (not 50 − 4).
    expect(pacer.snapshot().usable).toBe(48);
  });

  it('with another integration steadily using its 20%, sends the 80% it leaves (not 60%)', async () => {
    // A fixed 60 s window of 3,500 shared by the relay (share 0.8) and another client sending 700 evenly.
    const clock = { t: 0 };
    const limit = 3_500;
    let windowStart = 0;
    let used = 0;
    const count = () => {
      if (clock.t >= windowStart + 60_000) {
        windowStart = clock.t;
        used = 0;
      }
      if (used >= limit) return undefined;
      used += 1;
      return { remaining: limit - used, resetSeconds: Math.ceil((windowStart + 60_000 - clock.t) / 1_000) };
    };
    const pacer = pacerAt(clock, { share: 0.8, maxWaitMs: 0 });
    let ours = 0;
    let theirsRefused = 0;
    const otherEveryMs = 60_000 / 700;
    let otherNext = 0;
    for (clock.t = 0; clock.t < 60_000; clock.t += 1) {
      while (otherNext <= clock.t) {
        otherNext += otherEveryMs;
        if (!count()) theirsRefused += 1;
      }
      const ticket = await pacer.acquire().catch(() => undefined);
      if (ticket === undefined) continue;
      const answer = count();
      if (!answer) throw new Error('the relay was refused (429)');
      ours += 1;
      pacer.observe({ ticket, at: clock.t, status: 202, limit, ...answer });
    }
    expect(theirsRefused).toBe(0);
    expect(ours).toBeLessThanOrEqual(2_800);
    expect(ours).toBeGreaterThanOrEqual(2_700);
  });

  it('gives the message back (RetryableError with the delay) rather than sleep past maxWaitMs', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { maxWaitMs: 1_000 });
    const ticket = await pacer.acquire();
    pacer.observe({ ticket, at: 0, status: 202, limit: 3_500, remaining: 0, resetSeconds: 40 });
    const error = await pacer.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ reason: 'klaviyo_budget', retryAfterSeconds: 40 });
  });

  it('after a 429 holds every request until Retry-After', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { maxWaitMs: 100 });
    const ticket = await pacer.acquire();
    pacer.observe({ ticket, at: 0, status: 429, retryAfterSeconds: 3 });
    await expect(pacer.acquire()).rejects.toMatchObject({ reason: 'klaviyo_budget', retryAfterSeconds: 3 });
    clock.t = 3_000;
    await expect(pacer.acquire()).resolves.toBeGreaterThan(0);
  });

  it('does not start what cannot finish before the deadline', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock);
    const ticket = await pacer.acquire();
    pacer.observe({ ticket, at: 0, status: 202, limit: 3_500, remaining: 0, resetSeconds: 1 });
    await expect(pacer.acquire(500)).rejects.toMatchObject({ reason: 'deliver_deadline' });
  });

  it('keeps each instance to its part of the burst limit', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { burst: 10, steady: 150, instances: 2, maxWaitMs: 150 });
    const ticket = await pacer.acquire();
    pacer.observe({ ticket, at: 0, status: 202, limit: 150, remaining: 149, resetSeconds: 5 });
    // The window alone would allow one every 34 ms; 10/s shared by 2 instances is 5/s each, one every 200 ms.
    await expect(pacer.acquire()).rejects.toMatchObject({ reason: 'klaviyo_budget' });
    clock.t = 200;
    await expect(pacer.acquire()).resolves.toBe(2);
  });

  it('spreads a deferred backlog over the budget instead of sending it all back at the next free slot', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { maxWaitMs: 1_000, share: 0.5, instances: 2 });
    const ticket = await pacer.acquire();
    // 120 a 60 s window, none left for 10 s; our part: 120 × 0.5 / 2 instances = 30 a window, one every 2 s.
    pacer.observe({ ticket, at: 0, status: 202, limit: 120, remaining: 0, resetSeconds: 60 });
    clock.t = 50_000;
    const delays: unknown[] = [];
    for (let i = 0; i < 5; i++) delays.push(await pacer.acquire().catch((e: unknown) => e));
    expect(delays.every((e) => e instanceof DeferredError)).toBe(true);
    expect(delays.map((e) => (e as DeferredError).retryAfterSeconds)).toEqual([10, 12, 14, 16, 18]);
    // Later deferrals queue behind the earlier ones, never before the budget is free.
    clock.t = 55_000;
    await expect(pacer.acquire()).rejects.toMatchObject({ retryAfterSeconds: 15 });
  });

  it('takes the window from RateLimit-Reset (a time-scaled Klaviyo) and never defers past 900 s', async () => {
    const clock = { t: 0 };
    const pacer = pacerAt(clock, { maxWaitMs: 0 });
    const ticket = await pacer.acquire();
    // A 6 s window with 6 requests: one a second.
    pacer.observe({ ticket, at: 0, status: 202, limit: 6, remaining: 0, resetSeconds: 6 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++)
      delays.push(((await pacer.acquire().catch((e: unknown) => e)) as DeferredError).retryAfterSeconds ?? 0);
    expect(delays).toEqual([6, 7, 8]);

    const slow = pacerAt(clock, { maxWaitMs: 0, instances: 1 });
    const first = await slow.acquire();
    slow.observe({ ticket: first, at: 0, status: 202, limit: 1, remaining: 0, resetSeconds: 60 });
    const capped: number[] = [];
    for (let i = 0; i < 20; i++)
      capped.push(((await slow.acquire().catch((e: unknown) => e)) as DeferredError).retryAfterSeconds ?? 0);
    expect(Math.max(...capped)).toBe(900);
  });
});

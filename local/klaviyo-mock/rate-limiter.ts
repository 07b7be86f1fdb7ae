// Klaviyo's rate limiting: per API key and per endpoint, two fixed windows — burst (1 s) and steady (60 s) —
// both of which must have room. A window opens with the first request after the previous one closed. The
// `timeScale` shortens both windows by that factor (and so multiplies the throughput).
//
// Headers follow Klaviyo's documentation: an admitted request gets `RateLimit-Limit`, `RateLimit-Remaining` and
// `RateLimit-Reset` describing the steady window; a throttled one gets `Retry-After` instead. All seconds are
// scaled (wall-clock) seconds, rounded up, so at least 1; the `X-Mock-*` headers give the exact scaled wait in
// milliseconds and the unscaled seconds Klaviyo itself would have sent.
import type { EndpointLimit, KlaviyoOperationId, LimitsOption } from './types.ts';

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; headers: Record<string, string> };

interface Window {
  start: number;
  count: number;
}

interface KeyState {
  burst: Window;
  steady: Window;
}

const BURST_MS = 1_000;
const STEADY_MS = 60_000;

export class RateLimiter {
  private readonly states = new Map<string, KeyState>();
  private readonly burstMs: number;
  private readonly steadyMs: number;

  constructor(
    private readonly limits: ReadonlyMap<KlaviyoOperationId, EndpointLimit>,
    private readonly timeScale: number,
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale))
      throw new Error(`timeScale must be > 0, got ${timeScale}`);
    this.burstMs = BURST_MS / timeScale;
    this.steadyMs = STEADY_MS / timeScale;
  }

  /** Counts one request by `apiKey` to `operation` at `now` (epoch ms) if both windows have room. */
  take(apiKey: string, operation: KlaviyoOperationId, now: number): RateDecision {
    const limit = this.limits.get(operation);
    if (!limit) return { allowed: true, headers: {} };

    const id = `${operation}\u0000${apiKey}`;
    let state = this.states.get(id);
    if (!state) {
      state = { burst: { start: now, count: 0 }, steady: { start: now, count: 0 } };
      this.states.set(id, state);
    }
    roll(state.burst, now, this.burstMs);
    roll(state.steady, now, this.steadyMs);

    const waits: number[] = [];
    if (state.burst.count >= limit.burst) waits.push(state.burst.start + this.burstMs - now);
    if (state.steady.count >= limit.steady) waits.push(state.steady.start + this.steadyMs - now);
    if (waits.length > 0) {
      const waitMs = Math.max(...waits);
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        allowed: false,
        retryAfterSeconds,
        headers: {
          'X-Mock-Retry-After-Ms': String(Math.ceil(waitMs)),
          'X-Mock-Retry-After-Unscaled': String(
            Math.max(1, Math.ceil(Math.round(waitMs * this.timeScale) / 1000)),
          ),
          'X-Mock-Time-Scale': String(this.timeScale),
        },
      };
    }

    state.burst.count += 1;
    state.steady.count += 1;
    const resetMs = state.steady.start + this.steadyMs - now;
    return {
      allowed: true,
      headers: {
        'RateLimit-Limit': String(limit.steady),
        'RateLimit-Remaining': String(limit.steady - state.steady.count),
        'RateLimit-Reset': String(Math.max(1, Math.ceil(resetMs / 1000))),
        'X-Mock-RateLimit-Reset-Ms': String(Math.ceil(resetMs)),
        'X-Mock-Time-Scale': String(this.timeScale),
      },
    };
  }

  reset(): void {
    this.states.clear();
  }
}

function roll(window: Window, now: number, lengthMs: number): void {
  if (now >= window.start + lengthMs || now < window.start) {
    window.start = now;
    window.count = 0;
  }
}

/**
 * The limits in force: the published ones, none (`off`), or the published ones with some endpoints replaced.
 * Overrides are keyed by operationId or by path.
 */
export function resolveLimits(
  option: LimitsOption,
  published: ReadonlyMap<KlaviyoOperationId, { path: string; limit: EndpointLimit }>,
): Map<KlaviyoOperationId, EndpointLimit> {
  const limits = new Map<KlaviyoOperationId, EndpointLimit>();
  if (option === 'off') return limits;
  for (const [operationId, { limit }] of published) limits.set(operationId, limit);
  if (option === 'published') return limits;
  for (const [key, value] of Object.entries(option)) {
    const path = key.length > 1 && key.endsWith('/') ? key.slice(0, -1) : key;
    const operationId = [...published].find(([id, p]) => id === key || p.path === path)?.[0];
    if (operationId === undefined) throw new Error(`limits: unknown endpoint ${JSON.stringify(key)}`);
    if (value === undefined) continue;
    if (value === 'off') {
      limits.delete(operationId);
      continue;
    }
    for (const n of [value.burst, value.steady])
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`limits.${key}: burst and steady must be integers ≥ 1`);
    limits.set(operationId, { burst: value.burst, steady: value.steady });
  }
  return limits;
}

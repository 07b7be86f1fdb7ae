// Paces hydration's calls to a source's own API, one pacer per source and function instance:
//   - `hydration.requests_per_second`, when set, spaces requests evenly (a token bucket holding one token);
//   - every answer's rate headers adjust the pace: Retry-After (on 429 and 503) blocks until then; Shopify's
//     `X-Shopify-Shop-Api-Call-Limit: used/size` (a leaky bucket that drains 2 requests/s on standard plans) and
//     BigCommerce's `X-Rate-Limit-Requests-Left` / `-Time-Reset-Ms` / `-Requests-Quota` block when nothing is
//     left and space requests out when little is;
//   - a wait longer than MAX_PACING_WAIT_MS, or one that would run past the invocation's time left, is not slept:
//     the record is deferred (a DeferredError), re-sent to the hydrate queue with the delay, and the wait uses up
//     none of the receives maxReceiveCount allows for failures (docs/adr/0012-deferral-and-dead-letters.md).
// Deferrals take successive places one request interval apart, starting when the source is free again, so a
// backlog comes back spread out instead of all at once.
import { DeferredError } from '../shared/stage/errors.ts';

/** What one answer says about the pace: wait this long before the next request, then keep this spacing. */
export interface RateHint {
  waitMs: number;
  intervalMs: number;
}

/** Shopify REST Admin API's leak rate on standard plans (requests per second); faster plans leak faster. */
export const SHOPIFY_LEAK_PER_SECOND = 2;
/** A bucket with this share or less of its room left counts as nearly exhausted: requests are spaced out. */
export const NEARLY_EMPTY_SHARE = 0.2;
/** A 429 that names no wait: one second. */
export const DEFAULT_THROTTLE_WAIT_MS = 1_000;
/** Longest wait slept before a request; a longer one defers the record. */
export const MAX_PACING_WAIT_MS = 2_000;
/** SQS's longest DelaySeconds. */
const MAX_DELAY_SECONDS = 900;

function toNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Retry-After in ms: delta seconds (fractions allowed, as Shopify sends `2.0`) or an HTTP date. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  const seconds = toNumber(value);
  if (seconds !== undefined) return Math.ceil(seconds * 1_000);
  if (value === null) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Shopify: `used/size`; full → wait for one leak; nearly full → one request per leak. */
function shopifyHint(value: string | null): RateHint | undefined {
  const match = value === null ? null : /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!match) return undefined;
  const used = Number(match[1]);
  const size = Number(match[2]);
  if (size <= 0) return undefined;
  const leakMs = 1_000 / SHOPIFY_LEAK_PER_SECOND;
  const free = size - used;
  return {
    waitMs: free <= 0 ? (used - size + 1) * leakMs : 0,
    intervalMs: free <= size * NEARLY_EMPTY_SHARE ? leakMs : 0,
  };
}

/** BigCommerce: requests left until the window resets; none → wait for the reset; few → spread them over it. */
function bigCommerceHint(headers: Headers): RateHint | undefined {
  const left = toNumber(headers.get('x-rate-limit-requests-left'));
  const resetMs = toNumber(headers.get('x-rate-limit-time-reset-ms'));
  if (left === undefined || resetMs === undefined) return undefined;
  if (left < 1) return { waitMs: resetMs, intervalMs: 0 };
  const quota = toNumber(headers.get('x-rate-limit-requests-quota'));
  const nearlyEmpty = quota === undefined ? left <= 10 : left <= quota * NEARLY_EMPTY_SHARE;
  return { waitMs: 0, intervalMs: nearlyEmpty ? resetMs / left : 0 };
}

/** Reads an answer's rate headers into a hint; an answer without them says "no wait, no spacing". */
export function rateHintFrom(status: number, headers: Headers, now: number): RateHint {
  const hints = [shopifyHint(headers.get('x-shopify-shop-api-call-limit')), bigCommerceHint(headers)].filter(
    (h): h is RateHint => h !== undefined,
  );
  let waitMs = Math.max(0, ...hints.map((h) => h.waitMs));
  const intervalMs = Math.max(0, ...hints.map((h) => h.intervalMs));
  if (status === 429 || status === 503) {
    const retryAfter = retryAfterMs(headers.get('retry-after'), now);
    if (retryAfter !== undefined && retryAfter > 0) waitMs = Math.max(waitMs, retryAfter);
    else if (status === 429 && waitMs === 0) waitMs = DEFAULT_THROTTLE_WAIT_MS;
  }
  return { waitMs, intervalMs };
}

export interface SourcePacerOptions {
  /** Client-side limit; undefined: none beyond what the headers say. */
  requestsPerSecond?: number;
  /** Longest wait slept in acquire(); default MAX_PACING_WAIT_MS. */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class SourcePacer {
  requestsPerSecond: number | undefined;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** When the next request may go by the spacing. */
  private nextSlotAt = 0;
  /** Nothing goes before this (a Retry-After, an empty bucket). */
  private blockedUntil = 0;
  /** Spacing the latest answer asked for. */
  private hintIntervalMs = 0;
  /** End of the queue of deferred requests: the next deferral is due no earlier. */
  private deferredUntil = 0;

  constructor(options: SourcePacerOptions = {}) {
    this.requestsPerSecond = options.requestsPerSecond;
    this.maxWaitMs = options.maxWaitMs ?? MAX_PACING_WAIT_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Spacing between requests now: the configured rate's or the headers', whichever is slower. */
  intervalMs(): number {
    const configured = this.requestsPerSecond ? 1_000 / this.requestsPerSecond : 0;
    return Math.max(configured, this.hintIntervalMs);
  }

  /**
   * Resolves when a request may go (sleeping at most maxWaitMs). Throws a DeferredError when the wait is longer
   * (`source_api_paced`) or the slot is after `deadline` (local ms; `hydrate_deadline`).
   */
  async acquire(deadline: number): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextSlotAt, this.blockedUntil);
    if (at - now > this.maxWaitMs)
      throw this.defer('source_api_paced', `the source API's pace allows a request in ${at - now} ms`);
    // Only a wait can push a request past the invocation; one that goes now is the stage's to cut short.
    if (at > now && at > deadline)
      throw this.defer('hydrate_deadline', 'no slot for the source API within the invocation’s time left');
    this.nextSlotAt = at + this.intervalMs();
    if (at > now) await this.sleep(at - now);
  }

  /** Takes what an answer's headers said into account. */
  observe(hint: RateHint): void {
    if (hint.waitMs > 0) this.blockedUntil = Math.max(this.blockedUntil, this.now() + hint.waitMs);
    this.hintIntervalMs = hint.intervalMs;
  }

  /** A DeferredError whose delay is the next place in the queue of deferred requests. */
  defer(reason: string, message: string): DeferredError {
    const now = this.now();
    const due = Math.max(now, this.blockedUntil, this.nextSlotAt, this.deferredUntil);
    this.deferredUntil = due + this.intervalMs();
    const seconds = Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((due - now) / 1_000)));
    return new DeferredError(message, reason, seconds);
  }
}

/** The instance's pacers, one per source; each takes the source's current requests_per_second. */
export function createSourcePacers(options: Omit<SourcePacerOptions, 'requestsPerSecond'> = {}) {
  const pacers = new Map<string, SourcePacer>();
  return (source: string, requestsPerSecond: number | undefined): SourcePacer => {
    let pacer = pacers.get(source);
    if (!pacer) {
      pacer = new SourcePacer(options);
      pacers.set(source, pacer);
    }
    pacer.requestsPerSecond = requestsPerSecond;
    return pacer;
  };
}
export type SourcePacers = ReturnType<typeof createSourcePacers>;

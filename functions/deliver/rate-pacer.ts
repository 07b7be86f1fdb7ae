// Paces requests to one Klaviyo endpoint so that the relay spends its share of the account's budget without
// being told no. Klaviyo limits each endpoint with a burst window (1 s) and a steady window (60 s) per account,
// and reports the steady window on every answer: RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset.
//
//   - steady: what this instance may still send in the window is spread evenly over the time left in it. That
//     is its share of the limit less what it has sent in the window (what Klaviyo counted: not 429s, nor answers
//     without RateLimit-* headers, refused before the limiter), and never more than Remaining. Remaining
//     already shows what the other integrations have used, so only the part of their reserve they have not
//     used yet is kept back, not the whole reserve again. Every instance reads the same account-wide
//     Remaining, so several instances slow down together as it falls — the sum never runs ahead of the window;
//   - burst: each instance keeps to (burst × share / max_concurrency) a second, evenly spaced;
//   - before the first answer, and when the known window has ended, one probe request goes alone and its
//     answer tells the rest;
//   - a 429 blocks the endpoint until its Retry-After.
// A wait longer than max_pacing_wait_ms is not slept: acquire() throws a DeferredError, and the stage re-sends the
// message to the queue with that delay (docs/adr/0008-deliver-pacing-and-bulk.md). The delay is not simply the
// next free slot, which every message of a backlog would share (and come back together, to be deferred again):
// each deferral takes the next place in a queue of deferred requests that drains at this instance's part of the
// budget, starting when the budget is free again (docs/adr/0012-deferral-and-dead-letters.md). A request whose lane is
// the last one holding its batch open is deferred the same way once it would wait longer than one interval (lane-hold.ts).
import { DeferredError } from '../shared/stage/errors.ts';
import type { LaneHold } from './lane-hold.ts';
import { nextSendDelay, sendInterval, type PacerState } from './pacer-state.ts';

/** What one answer said about the budget; every field is optional because not every answer carries it. */
export interface RateObservation {
  /** The acquire() ticket of the request this answers. */
  ticket: number;
  /** Local time the answer arrived (ms). */
  at: number;
  status?: number;
  limit?: number;
  remaining?: number;
  resetSeconds?: number;
  retryAfterSeconds?: number;
}

export interface PacerOptions {
  burst: number;
  steady: number;
  /** Share of each limit this relay may use, (0, 1]. */
  share: number;
  /** Instances that share the budget (the event source mapping's maximum concurrency). */
  instances: number;
  /** Longest wait slept in acquire(); a longer one becomes a RetryableError with the delay. */
  maxWaitMs: number;
  now?: () => number;
}

/**
 * How far a late sender may catch up (ms): timers fire late on a busy event loop, and without this every late
 * firing would be lost for good. Bounded so that catching up never comes near a burst limit.
 */
export const CATCH_UP_MS = 50;

/** Klaviyo's steady window, until an answer's RateLimit-Reset shows a different one (a time-scaled mock). */
export const STEADY_WINDOW_MS = 60_000;
/** SQS's longest DelaySeconds: deferrals never wait longer; a deeper backlog comes back and is placed again. */
export const MAX_DEFERRAL_MS = 900_000;

export class RatePacer {
  private readonly state: PacerState = { blockedUntil: 0, nextSlotAt: 0, inFlight: 0 };
  private readonly spacingMs: number;
  private readonly now: () => number;
  private nextTicket = 1;
  /** Ticket of the answer the current estimate rests on: older answers do not overwrite newer ones. */
  private observedTicket = 0;
  private limit: number;
  /** Longest RateLimit-Reset seen: the steady window's length. */
  private windowMs = STEADY_WINDOW_MS;
  private windowSeen = false;
  /** First ticket counted in the current window: our requests in it are the tickets from this one on … */
  private windowFirstTicket = 1;
  /** … less those Klaviyo did not count: answered 429, or without RateLimit-* (refused before its limiter). */
  private notCountedInWindow = 0;
  /** When the next deferred request is due: the end of the queue of requests deferred so far (local ms). */
  private deferredUntil = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: PacerOptions) {
    this.now = options.now ?? Date.now;
    this.limit = options.steady;
    const perInstanceBurst = Math.max(0.1, (options.burst * options.share) / options.instances);
    this.spacingMs = 1_000 / perInstanceBurst;
  }

  snapshot(): Readonly<PacerState> {
    return { ...this.state };
  }

  /**
   * Resolves with a ticket when a request may go; the caller passes the ticket back with observe() (and must call
   * it exactly once, with or without headers). Throws a RetryableError when the wait would exceed maxWaitMs or
   * run past `deadline` (local ms).
   */
  async acquire(deadline = Number.POSITIVE_INFINITY, hold?: LaneHold): Promise<number> {
    let releasedSeenAt: number | undefined;
    for (;;) {
      const now = this.now();
      const delay = nextSendDelay(this.state, now);
      if (delay === 0) return this.take(now);
      if (hold?.isReleased()) releasedSeenAt ??= now;
      // The last lane of a batch waits one interval at most (lane-hold.ts), then goes back to the queue.
      // (A probe's answer is one round trip away and sets the pace: it is waited for, not deferred on no knowledge.)
      if (releasedSeenAt !== undefined && delay !== 'probe' && this.heldPastGrace(now, releasedSeenAt, delay))
        throw this.defer(now, delay);
      if (delay === 'probe') {
        await this.changed(Math.min(1_000, Math.max(1, deadline - now)), hold);
        if (this.now() >= deadline) throw this.tooLong(1_000, 'deliver_deadline');
        continue;
      }
      if (delay > this.options.maxWaitMs) throw this.defer(now, delay);
      if (now + delay > deadline) throw this.tooLong(delay, 'deliver_deadline');
      await this.changed(delay, hold);
    }
  }

  observe(observation: RateObservation): void {
    this.state.inFlight = Math.max(0, this.state.inFlight - 1);
    const { at } = observation;
    const counted = observation.remaining !== undefined && observation.resetSeconds !== undefined;
    if (!counted && observation.ticket >= this.windowFirstTicket) this.notCountedInWindow += 1;
    if (observation.status === 429) {
      const retryAfterMs = (observation.retryAfterSeconds ?? 1) * 1_000;
      // Blocks until Retry-After only: a burst 429 must not stop the rest of the steady window.
      this.state.blockedUntil = Math.max(this.state.blockedUntil, at + retryAfterMs);
    } else if (
      observation.remaining !== undefined &&
      observation.resetSeconds !== undefined &&
      observation.ticket > this.observedTicket
    ) {
      this.observedTicket = observation.ticket;
      if (observation.limit !== undefined && observation.limit > 0) this.limit = observation.limit;
      const resetMs = observation.resetSeconds * 1_000;
      const endsAt = at + resetMs;
      if (this.isNewWindow(at, endsAt)) {
        this.windowFirstTicket = observation.ticket;
        this.notCountedInWindow = 0;
      }
      if (resetMs > 0 && (!this.windowSeen || resetMs > this.windowMs)) {
        this.windowMs = resetMs;
        this.windowSeen = true;
      }
      // Requests this instance sent after the answered one may not be counted in Remaining yet.
      const uncounted = this.nextTicket - 1 - observation.ticket;
      const sentInWindow = this.nextTicket - this.windowFirstTicket - this.notCountedInWindow;
      // Remaining already reflects the other integrations' use: keeping (1 − share) × Limit back from it as well
      // would count their use twice. Our share less what we sent is ours; Remaining caps it when they take more.
      const ownShareLeft = Math.floor(this.limit * this.options.share) - sentInWindow;
      this.state.usable = Math.min(observation.remaining - uncounted, ownShareLeft);
      this.state.windowEndsAt = endsAt;
    }
    this.wake();
  }

  /**
   * Whether an answer belongs to a window after the one we know. Reset is whole seconds rounded up, so answers
   * in one window give ends up to a second (plus their latency) apart; a new window's lies a window later.
   */
  private isNewWindow(at: number, endsAt: number): boolean {
    const known = this.state.windowEndsAt;
    return known === undefined || at >= known || endsAt > known + this.windowMs / 2;
  }

  private take(now: number): number {
    this.state.inFlight += 1;
    if (this.state.usable !== undefined) this.state.usable -= 1;
    const interval = sendInterval(this.state, now, this.spacingMs);
    this.state.nextSlotAt = Math.max(this.state.nextSlotAt, now - CATCH_UP_MS) + interval;
    return this.nextTicket++;
  }

  /**
   * Requests a second this instance may send over a whole window: its share of the limit, divided among the
   * instances that share the budget.
   */
  deferralRatePerMs(): number {
    return (this.limit * this.options.share) / this.windowMs / this.options.instances;
  }

  /**
   * Defers one request that would wait `waitMs`: it goes to the end of the queue of deferred requests, which
   * starts when the budget is free again (the wait) and drains at deferralRatePerMs, so a backlog comes back
   * spread at the pace the budget allows instead of all at the next free slot. Capped at MAX_DEFERRAL_MS.
   */
  private defer(now: number, waitMs: number): DeferredError {
    const due = Math.min(now + MAX_DEFERRAL_MS, Math.max(now + waitMs, this.deferredUntil));
    this.deferredUntil = due + 1 / Math.max(this.deferralRatePerMs(), 1 / MAX_DEFERRAL_MS);
    return this.tooLong(due - now, 'klaviyo_budget');
  }

  private tooLong(waitMs: number, reason: string): DeferredError {
    return new DeferredError(
      `Klaviyo budget: next request possible in ${Math.ceil(waitMs)} ms`,
      reason,
      Math.max(1, Math.ceil(waitMs / 1_000)),
    );
  }

  /**
   * Whether a request of a released lane (lane-hold.ts) would wait longer than the grace it gets: one interval
   * between requests of this endpoint now (and a timer's lateness), counted from when it saw the release.
   */
  private heldPastGrace(now: number, releasedSeenAt: number, delay: number): boolean {
    const grace = sendInterval(this.state, now, this.spacingMs) + CATCH_UP_MS;
    return now - releasedSeenAt + delay > grace;
  }

  /** Sleeps `ms`, or less when an answer changes the picture or the lane's hold is released. */
  private changed(ms: number, hold?: LaneHold): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
      // Woken by the release only while it is still to come: once released, the wait runs on its timer.
      if (hold && !hold.isReleased()) void hold.released.then(done);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

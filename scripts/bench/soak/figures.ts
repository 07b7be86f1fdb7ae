// The soak's figures from what each side saw: the senders' answers, the Klaviyo mock's recorded events and
// request log, and the dead letters in the DLQs. Pure, so the arithmetic is checked apart from a run.
import type { PlannedWebhook } from './plan.ts';

/** A recorded event, reduced to what the figures need. */
export interface SeenEvent {
  /** The soak webhook it came from (its body's marker), or null for the other integration's events. */
  webhook: number | null;
  uniqueId: string | null;
  /** Epoch ms the mock recorded it. */
  at: number;
}

/** A request the mock answered on Create Event. */
export interface SeenRequest {
  at: number;
  status: number;
  client: 'relay' | 'other' | 'unknown';
  /** Whether Klaviyo's budget counted it (answered after the rate limiter let it through). */
  counted: boolean;
}

export interface SeenDeadLetter {
  stage: string;
  reason: string;
  lastErrorReason?: string;
  /** `<source>:<delivery id>` of the message it holds, when readable. */
  uniqueId?: string;
}

export interface SoakInput {
  planned: readonly PlannedWebhook[];
  accepted: readonly number[];
  events: readonly SeenEvent[];
  requests: readonly SeenRequest[];
  deadLetters: readonly SeenDeadLetter[];
  timeScale: number;
  /** The account's steady limit for Create Event, per (unscaled) minute. */
  limitPerMinute: number;
  sendStartedAt: number;
  drainedAt: number;
  /** Last time the deliver queue was seen with messages waiting: the end of the backlog. */
  backlogEndedAt: number;
}

/** Delivered events a minute over one period, in Klaviyo's (unscaled) time, against the budget left in it. */
export interface RateFigures {
  /** Wall seconds. */
  seconds: number;
  events: number;
  relayPerMinute: number;
  otherPerMinute: number;
  budgetLeftPerMinute: number;
  share: number;
}

export interface SoakFigures {
  webhooks: number;
  accepted: number;
  recorded: number;
  /** Accepted, neither recorded nor dead-lettered. */
  lost: number[];
  /** Webhooks with more than one recorded event. */
  recordedTwice: number[];
  deadLettered: Record<string, number>;
  /** Dead letters that are not the planned permanent failures (target: none). */
  deadLetteredUnexpected: number;
  /** Planned permanent failures that were recorded or lost instead of dead-lettered. */
  permanentNotDeadLettered: number;
  throttled: { relay: number; other: number };
  relayRequests: number;
  drainSeconds: number;
  /** From the relay's first request to the end of the deliver queue's backlog: what pacing achieves. */
  backlogged: RateFigures;
  /** From the relay's first request to the last event recorded: the above plus the tail of retries. */
  whole: RateFigures;
}

/** Mock request log: a request the rate limiter passed. Faults answered before processing never reach it. */
export function countedByLimiter(status: number, fault: string | undefined): boolean {
  if (status === 429 || status === 401 || status === 404 || status === 405) return false;
  return !/status \d+$/.test(fault ?? '');
}

export function soakFigures(input: SoakInput): SoakFigures {
  const byUniqueId = new Map(input.planned.map((p) => [p.uniqueId, p]));
  const permanent = new Set(input.planned.filter((p) => p.permanent).map((p) => p.n));

  const recordedCount = new Map<number, number>();
  for (const event of input.events) {
    if (event.webhook === null) continue;
    recordedCount.set(event.webhook, (recordedCount.get(event.webhook) ?? 0) + 1);
  }

  const deadLettered: Record<string, number> = {};
  const deadLetteredWebhooks = new Set<number>();
  let deadLetteredUnexpected = 0;
  for (const letter of input.deadLetters) {
    const key = [letter.stage, letter.reason, letter.lastErrorReason].filter(Boolean).join(' ');
    deadLettered[key] = (deadLettered[key] ?? 0) + 1;
    const webhook = letter.uniqueId === undefined ? undefined : byUniqueId.get(letter.uniqueId)?.n;
    if (webhook !== undefined) deadLetteredWebhooks.add(webhook);
    if (webhook === undefined || !permanent.has(webhook)) deadLetteredUnexpected += 1;
  }

  const lost = input.accepted.filter((n) => !recordedCount.has(n) && !deadLetteredWebhooks.has(n));
  const recordedTwice = [...recordedCount].filter(([, count]) => count > 1).map(([n]) => n);
  const permanentNotDeadLettered = [...permanent].filter((n) => !deadLetteredWebhooks.has(n)).length;

  const relayRequests = input.requests.filter((r) => r.client === 'relay');
  const relayEventTimes = input.events.filter((e) => e.webhook !== null).map((e) => e.at);
  const otherCountedTimes = input.requests.filter((r) => r.client === 'other' && r.counted).map((r) => r.at);
  const start = Math.min(...relayRequests.map((r) => r.at));
  const rate = (end: number): RateFigures => {
    const ms = Math.max(1, end - start);
    // Wall minutes × time scale = Klaviyo's (unscaled) minutes.
    const klaviyoMinutes = (ms * input.timeScale) / 60_000;
    const within = (at: number) => at >= start && at <= end;
    const events = relayEventTimes.filter(within).length;
    const relayPerMinute = events / klaviyoMinutes;
    const otherPerMinute = otherCountedTimes.filter(within).length / klaviyoMinutes;
    const budgetLeftPerMinute = input.limitPerMinute - otherPerMinute;
    return {
      seconds: ms / 1_000,
      events,
      relayPerMinute,
      otherPerMinute,
      budgetLeftPerMinute,
      share: relayPerMinute / budgetLeftPerMinute,
    };
  };

  return {
    webhooks: input.planned.length,
    accepted: input.accepted.length,
    recorded: recordedCount.size,
    lost,
    recordedTwice,
    deadLettered,
    deadLetteredUnexpected,
    permanentNotDeadLettered,
    throttled: {
      relay: relayRequests.filter((r) => r.status === 429).length,
      other: input.requests.filter((r) => r.client === 'other' && r.status === 429).length,
    },
    relayRequests: relayRequests.length,
    drainSeconds: (input.drainedAt - input.sendStartedAt) / 1_000,
    backlogged: rate(input.backlogEndedAt),
    whole: rate(Math.max(...relayEventTimes)),
  };
}

// What deliver does when Klaviyo refuses a request that carries many messages (a bulk events request, a consent or
// profile import job): Klaviyo refuses the whole request, so one invalid row must not cost the valid ones.
//   - the answer's pointer names rows: exactly those messages are dead-lettered with Klaviyo's error (detail and
//     pointer), and the rest go again in a new request, up to MAX_REFUSAL_ROUNDS times;
//   - the answer names no row, or the rounds ran out: each message goes on its own, so each gets its own verdict.
// Each writer says how to read its pointers and how to send; the rule is here, once. Writers whose jobs carry rows
// and whose message sent alone is a job of one row (consent, records) say so with `rowJobs`: such a job's refusal is
// its row's verdict, and the rule makes the jobs of one itself.
import type { Logger } from '../shared/logger.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { outcomeOfError, type DeliverCounters } from './deliver-outcome.ts';
import type { KlaviyoRejection } from './klaviyo-client.ts';
import { runLimited } from './run-limited.ts';

/** Requests sent again without the rows named before a refusal is answered by sending each message alone. */
export const MAX_REFUSAL_ROUNDS = 3;

interface RefusalCommon {
  /** The messages the refusal names (by its pointer); undefined or empty when it names none. */
  blamed(error: KlaviyoRejection): readonly string[] | undefined;
  /** What is refused, for the log lines: `'bulk request'`, `'consent job'`, `'profile import job'`. */
  what: string;
}

/** A writer whose messages, sent alone, go another way than its requests (bulk events: Create Event). */
export interface RequestRefusal extends RefusalCommon {
  /** Sends these messages again in a new request, of the next round. */
  resend(ids: readonly string[], round: number): Promise<void>;
  /** Sends each of these messages on its own. */
  alone(ids: readonly string[]): Promise<void>;
}

/**
 * A writer whose jobs carry rows, one per message, and whose message sent alone is a job of one row (consent,
 * records): a refused job of one row is that row's verdict, whatever the pointer says and in any round; "alone"
 * is a job per message, `maxInFlight` at once, each from round 0.
 */
export interface RowJobRefusal extends RefusalCommon {
  rowJobs: {
    /** Sends these messages in one new job, of this round. */
    send(ids: readonly string[], round: number): Promise<void>;
    maxInFlight: number;
  };
}

export type RefusalHandling = RequestRefusal | RowJobRefusal;

const resend = (handling: RefusalHandling, ids: readonly string[], round: number): Promise<void> =>
  'rowJobs' in handling ? handling.rowJobs.send(ids, round) : handling.resend(ids, round);

const sendAlone = (handling: RefusalHandling, ids: readonly string[]): Promise<void> =>
  'rowJobs' in handling
    ? runLimited(ids, handling.rowJobs.maxInFlight, (id) => handling.rowJobs.send([id], 0))
    : handling.alone(ids);

export interface RefusalPorts {
  counters: DeliverCounters;
  log: Logger;
  logOf: (id: string) => Logger;
}

/** Handles Klaviyo's refusal of a request carrying `ids`, sent in `round` (0 for the first). */
export async function handleRefusal(
  ids: readonly string[],
  error: KlaviyoRejection,
  round: number,
  handling: RefusalHandling,
  ports: RefusalPorts,
  outcomes: Map<string, RecordOutcome>,
): Promise<void> {
  // A job of one row can only have been refused for that row.
  const ownVerdict = 'rowJobs' in handling && ids.length === 1;
  const blamed = ownVerdict ? ids : (handling.blamed(error)?.filter((id) => ids.includes(id)) ?? []);
  if (blamed.length === 0 || (!ownVerdict && round >= MAX_REFUSAL_ROUNDS)) {
    ports.log.warn(`${handling.what} refused without naming a row; sending its messages one by one`, {
      status: error.status,
      detail: error.message,
      messages: ids.length,
    });
    return sendAlone(handling, ids);
  }
  for (const id of blamed) {
    outcomes.set(id, outcomeOfError(error, ports.counters));
    ports.logOf(id).warn(`refused by Klaviyo in a ${handling.what}`, { detail: error.message });
  }
  const rest = ids.filter((id) => !blamed.includes(id));
  if (rest.length > 0) await resend(handling, rest, round + 1);
}

// What deliver does when Klaviyo refuses a request that carries many messages (a bulk events request, a consent or
// profile import job): Klaviyo refuses the whole request, so one invalid row must not cost the valid ones.
//   - the answer's pointer names rows: exactly those messages are dead-lettered with Klaviyo's error (detail and
//     pointer), and the rest go again in a new request, up to MAX_REFUSAL_ROUNDS times;
//   - the answer names no row, or the rounds ran out: each message goes on its own, so each gets its own verdict.
// Each writer says how to read its pointers and how to send; the rule is here, once.
import type { Logger } from '../shared/logger.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { outcomeOfError, type DeliverCounters } from './deliver-outcome.ts';
import type { KlaviyoRejection } from './klaviyo-client.ts';

/** Requests sent again without the rows named before a refusal is answered by sending each message alone. */
export const MAX_REFUSAL_ROUNDS = 3;

export interface RefusalHandling {
  /** The messages the refusal names (by its pointer); undefined or empty when it names none. */
  blamed(error: KlaviyoRejection): readonly string[] | undefined;
  /** Sends these messages again in a new request, of the next round. */
  resend(ids: readonly string[], round: number): Promise<void>;
  /** Sends each of these messages on its own. */
  alone(ids: readonly string[]): Promise<void>;
  /** What is refused, for the log lines: `'bulk request'`, `'consent job'`, `'profile import job'`. */
  what: string;
}

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
  const blamed = handling.blamed(error)?.filter((id) => ids.includes(id)) ?? [];
  if (blamed.length === 0 || round >= MAX_REFUSAL_ROUNDS) {
    ports.log.warn(`${handling.what} refused without naming a row; sending its messages one by one`, {
      status: error.status,
      detail: error.message,
      messages: ids.length,
    });
    return handling.alone(ids);
  }
  for (const id of blamed) {
    outcomes.set(id, outcomeOfError(error, ports.counters));
    ports.logOf(id).warn(`refused by Klaviyo in a ${handling.what}`, { detail: error.message });
  }
  const rest = ids.filter((id) => !blamed.includes(id));
  if (rest.length > 0) await handling.resend(rest, round + 1);
}

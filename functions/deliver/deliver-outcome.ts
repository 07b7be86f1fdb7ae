// Turns what happened to one Klaviyo call into the outcome of the messages it carried, and counts it.
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { PermanentError, RetryableError } from '../shared/stage/errors.ts';

/** The deliver metrics a call can move (names are what CloudWatch and the Terraform alarms see). */
export interface DeliverCounters {
  count(
    name:
      | 'delivered'
      | 'throttled'
      | 'klaviyo_auth_failed'
      | 'klaviyo_challenged'
      | 'deferred'
      | 'stale_state_skipped'
      | 'profile_job_unfinished',
    value?: number,
  ): void;
}

export const DONE: RecordOutcome = { kind: 'done' };

/** Classifies an error thrown by the Klaviyo client (or anything unexpected) and counts it. */
export function outcomeOfError(error: unknown, counters: DeliverCounters): RecordOutcome {
  if (error instanceof PermanentError) return { kind: 'dead-letter', error };
  if (error instanceof RetryableError) {
    if (error.reason === 'klaviyo_throttled') counters.count('throttled');
    if (error.reason === 'klaviyo_auth') counters.count('klaviyo_auth_failed');
    if (error.reason === 'klaviyo_challenge') counters.count('klaviyo_challenged');
    if (error.reason === 'klaviyo_budget' || error.reason === 'deliver_deadline') counters.count('deferred');
    return { kind: 'retry', error };
  }
  return { kind: 'retry', error: error instanceof Error ? error : new Error(String(error)) };
}

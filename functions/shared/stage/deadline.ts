// The per-record stage's deadline: each record runs within the invocation's time left, less a margin kept back
// for the retry bookkeeping and the answer. A record still running then is aborted and retried (`out_of_time`)
// as a batch item failure, never a timed-out batch that retries (and counts a failure against) every record.
import type { Context } from 'aws-lambda';
import { RetryableError } from './errors.ts';

/** Default time kept back at the end of an invocation of the per-record stage (at most a tenth of it). */
export const DEADLINE_MARGIN_MS = 2_000;

/** The time kept back at the end of this invocation: the override, else 2 s or a tenth of it if less. */
export const deadlineMarginFor = (context: Context, overrideMs?: number): number =>
  overrideMs ?? Math.min(DEADLINE_MARGIN_MS, Math.floor(context.getRemainingTimeInMillis() / 10));
/** The reason of a record the invocation's deadline stopped (or never started). */
export const OUT_OF_TIME_REASON = 'out_of_time';

/**
 * Runs `work` within the invocation's time left less `marginMs`: with nothing left it does not start; past the
 * deadline its signal is aborted. Either way a RetryableError (`out_of_time`) is thrown at once, whatever the
 * work still awaits, so the record becomes a batch item failure. (Not a deferral: that re-sends to the stage's
 * own queue, which hydrate's role may not do, and a record that never fits its invocation must reach the DLQ
 * with a reason rather than be deferred for ever.)
 */
export async function runWithinDeadline(
  context: Context,
  marginMs: number,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const leftMs = context.getRemainingTimeInMillis() - marginMs;
  if (leftMs <= 0)
    throw new RetryableError('no time left in this invocation to start the record', OUT_OF_TIME_REASON, 1);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RetryableError(
        `did not finish within the invocation's time left (${leftMs} ms)`,
        OUT_OF_TIME_REASON,
      );
      controller.abort(error);
      reject(error);
    }, leftMs);
  });
  try {
    await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

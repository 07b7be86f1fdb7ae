// Every failure a stage can meet is one of two kinds, and the kind decides where the message goes:
// retryable → back to the queue after a delay; permanent → straight to the DLQ with the reason.

/** Worth trying again later: 5xx, timeouts, network errors, 429 (with the server's Retry-After). */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
  constructor(
    message: string,
    readonly reason: string,
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Not a failure: the message waits for capacity (Klaviyo's budget, a 429's Retry-After, the function's time
 * left). The stage re-sends it to its own queue with the delay and deletes the original, so waiting never uses
 * up the receives that maxReceiveCount allows for failures (docs/adr/0012-deferral-and-dead-letters.md).
 */
export class DeferredError extends RetryableError {
  override readonly name: string = 'DeferredError';
}

/**
 * A deferral for a wait that may never end (a message kind that no deployed version of the stage knows yet): each
 * one counts as a failed attempt, so after maxReceiveCount of them the stage dead-letters the message
 * (`retries_exhausted`, with this as its last error) rather than re-sending it for ever.
 */
export class CountedDeferral extends DeferredError {
  override readonly name = 'CountedDeferral';
}

/** Will fail the same way every time: schema errors, 4xx validation errors. Needs a person. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    message: string,
    readonly reason: string,
    readonly detail?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Parses a Retry-After header: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

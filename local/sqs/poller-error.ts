// What the local event source mapping reports instead of throwing: the step that failed (receive, invoke or
// delete) and why. The poller keeps going after each, as the mapping in AWS does.
export type PollerStage = 'receive' | 'invoke' | 'delete';

export class PollerError extends Error {
  override readonly name = 'PollerError';
  constructor(
    readonly stage: PollerStage,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

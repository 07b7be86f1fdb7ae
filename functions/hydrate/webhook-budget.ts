// What one webhook may bring into hydrate's memory, and what the records of a batch hold at once (docs/adr/0023).
// Each webhook is charged, as they arrive, its own bytes (before its body is loaded), the bytes of the source API
// answers its hydration gets (as they are read, or whole from the cache) and of the messages it becomes (encoded,
// as deliver gets them):
//   - past its own budget it fails for good (`webhook_budget_exceeded`): the same webhook would again;
//   - past what the instance lets all records in flight hold together, while an older record is in flight, it is
//     deferred (`memory_busy`), not failed: that is load, and the webhook is retried later, with no receive used.
//     The oldest record in flight is never deferred (only its own budget stops it), so one always progresses.
// Bytes are counted as JSON text (UTF-8); parsed, they take more room, which the defaults leave for.
import { claimCheckOf } from '../shared/stage/claim-check.ts';
import { DeferredError, PermanentError } from '../shared/stage/errors.ts';

export const BUDGET_EXCEEDED_REASON = 'webhook_budget_exceeded';
export const MEMORY_BUSY_REASON = 'memory_busy';
/** Seconds a record deferred for memory waits: long enough for the batch it met to finish. */
export const MEMORY_BUSY_DELAY_SECONDS = 5;
/** The memory the module gives hydrate by default (MB): what the budgets derive from when Lambda does not say. */
export const DEFAULT_MEMORY_MB = 256;

export interface ByteBudgets {
  /** What one webhook may bring in: itself, its hydration answers and its messages. */
  perWebhook: number;
  /** What the records in flight on one instance may hold together before another is deferred. */
  inFlight: number;
}

const MIB = 1_048_576;

/**
 * The budgets for a function of `memoryMb` (Lambda's AWS_LAMBDA_FUNCTION_MEMORY_SIZE): a webhook a sixteenth of it,
 * the records in flight together an eighth (at the default 256 MB: 16 MiB and 32 MiB, so one webhook at its limit
 * leaves room for the others of its batch). The rest is for the runtime (about 85 MB), the parsed and copied forms
 * of what was counted as text, and garbage not yet collected: `npm run bench:memory` measures it. `perWebhook`
 * overrides the first (`hydrate.max_bytes_per_webhook` in the configuration).
 */
export function byteBudgetsFor(memoryMb: number, perWebhook?: number): ByteBudgets {
  return {
    perWebhook: perWebhook ?? Math.floor((memoryMb * MIB) / 16),
    inFlight: Math.floor((memoryMb * MIB) / 8),
  };
}

/** Hydrate's memory in MB as Lambda tells it (AWS_LAMBDA_FUNCTION_MEMORY_SIZE); the module's default elsewhere. */
export function memoryMbOf(env: NodeJS.ProcessEnv): number {
  const value = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isInteger(value) && value >= 128 ? value : DEFAULT_MEMORY_MB;
}

/** The instance's memory (MB) and the bytes its records in flight hold: what each webhook's budget is opened on. */
export interface InstanceMemory {
  memoryMb: number;
  inFlight: InFlightBytes;
}

export function memoryOfInstance(env: NodeJS.ProcessEnv): InstanceMemory {
  const memoryMb = memoryMbOf(env);
  return { memoryMb, inFlight: new InFlightBytes(byteBudgetsFor(memoryMb).inFlight) };
}

/**
 * A webhook's budget on this instance (`perWebhook`, the configuration's, or its share of the memory), charged
 * the webhook itself before its body is loaded: `recordBody` is the queue message, or the claim check naming it.
 */
export function admitWebhook(
  memory: InstanceMemory,
  perWebhook: number | undefined,
  recordBody: string,
): WebhookBudget {
  const budget = memory.inFlight.openBudget(byteBudgetsFor(memory.memoryMb, perWebhook).perWebhook);
  try {
    budget.charge(webhookBytesOf(recordBody), 'the webhook itself');
  } catch (error) {
    budget.release();
    throw error;
  }
  return budget;
}

/** The bytes of the message a record carries: a claim check (a short text) names the size of what it stands for. */
function webhookBytesOf(recordBody: string): number {
  if (recordBody.length < 4_096) {
    try {
      const reference = claimCheckOf(JSON.parse(recordBody));
      if (reference) return reference.bytes;
    } catch {
      // Not a claim check: the stage refuses what is not JSON, with its reason.
    }
  }
  return Buffer.byteLength(recordBody);
}

/** The bytes held by the records in flight on this instance; each record's share is a WebhookBudget. */
export class InFlightBytes {
  private held = 0;
  /** Open budgets, oldest first: the oldest is never deferred, so one record always progresses. */
  private readonly open = new Set<WebhookBudget>();

  constructor(private readonly limit: number) {}

  /** A budget for one webhook, whose bytes count here until it is released. */
  openBudget(perWebhook: number): WebhookBudget {
    const budget = new WebhookBudget(perWebhook, this);
    this.open.add(budget);
    return budget;
  }

  /** Takes `bytes` for `budget`; false when that would pass the limit and an older record is still in flight. */
  take(bytes: number, budget: WebhookBudget): boolean {
    const oldest = this.open.values().next().value === budget;
    if (!oldest && this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number, budget: WebhookBudget): void {
    this.held -= bytes;
    this.open.delete(budget);
  }

  get bytes(): number {
    return this.held;
  }
}

export class WebhookBudget {
  private used = 0;
  private released = false;

  constructor(
    readonly limit: number,
    private readonly pool?: InFlightBytes,
  ) {}

  /** Counts `bytes` for `what` (named in the error); throws when the webhook or the instance is over. */
  charge(bytes: number, what: string): void {
    if (this.used + bytes > this.limit) {
      throw new PermanentError(
        `the webhook would bring more than ${this.limit} bytes into hydrate (${this.used} so far, ${bytes} more for ${what}); ` +
          'raise hydrate.max_bytes_per_webhook or hydrate’s memory_size, or fetch and emit less for it',
        BUDGET_EXCEEDED_REASON,
        { limit: this.limit, used: this.used, more: bytes, what },
      );
    }
    if (this.pool && !this.released && !this.pool.take(bytes, this)) {
      throw memoryBusy(
        `${bytes} more bytes for ${what}, beside the ${this.pool.bytes} the records in flight hold`,
      );
    }
    this.used += bytes;
  }

  get bytes(): number {
    return this.used;
  }

  /** Gives the record's bytes back to the instance (its work is over, whatever became of it). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool?.give(this.used, this);
  }
}

/** The deferral of a record that would make the records in flight hold too much (load, not its fault). */
export function memoryBusy(what: string): DeferredError {
  return new DeferredError(
    `deferred: ${what} would be more than this instance's records may hold at once`,
    MEMORY_BUSY_REASON,
    MEMORY_BUSY_DELAY_SECONDS,
  );
}

export const isBudgetExceeded = (error: unknown): boolean =>
  error instanceof PermanentError && error.reason === BUDGET_EXCEEDED_REASON;

// What one webhook may bring into hydrate's memory, and what the records of a batch hold at once (docs/adr/0023).
// Each webhook is charged, as they arrive, the bytes of the source API answers its hydration gets (fetched or from
// the cache) and of the messages it becomes (encoded, as deliver gets them):
//   - past its own budget it fails for good (`webhook_budget_exceeded`): the same webhook would again;
//   - past what the instance lets all records in flight hold together, while other records hold bytes too, it is
//     deferred (`memory_busy`), not failed: that is load, and the webhook is retried later, with no receive used.
//     A record that holds the only charged bytes always goes on (up to its own budget), so one always progresses.
// Bytes are counted as JSON text (UTF-8); parsed, they take more room, which the defaults leave for.
import { DeferredError, PermanentError } from '../shared/errors.ts';

export const BUDGET_EXCEEDED_REASON = 'webhook_budget_exceeded';
export const MEMORY_BUSY_REASON = 'memory_busy';
/** Seconds a record deferred for memory waits: long enough for the batch it met to finish. */
export const MEMORY_BUSY_DELAY_SECONDS = 5;
/** The memory the module gives hydrate by default (MB): what the budgets derive from when Lambda does not say. */
export const DEFAULT_MEMORY_MB = 256;

export interface ByteBudgets {
  /** What one webhook may bring in: its hydration answers plus its messages. */
  perWebhook: number;
  /** What the records in flight on one instance may hold together before another is deferred. */
  inFlight: number;
}

const MIB = 1_048_576;

/**
 * The budgets for a function of `memoryMb` (Lambda's AWS_LAMBDA_FUNCTION_MEMORY_SIZE): a webhook an eighth of it,
 * the records in flight together a quarter (at the default 256 MB: 32 MiB and 64 MiB), the rest for the runtime,
 * the parsed form of what was counted as text, and the webhooks themselves. `perWebhook` overrides the first
 * (`hydrate.max_bytes_per_webhook` in the configuration).
 */
export function byteBudgetsFor(memoryMb: number, perWebhook?: number): ByteBudgets {
  return {
    perWebhook: perWebhook ?? Math.floor((memoryMb * MIB) / 8),
    inFlight: Math.floor((memoryMb * MIB) / 4),
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

/** A webhook's budget on this instance: `perWebhook` (the configuration's) or its share of the memory. */
export function openBudget(memory: InstanceMemory, perWebhook: number | undefined): WebhookBudget {
  return memory.inFlight.open(byteBudgetsFor(memory.memoryMb, perWebhook).perWebhook);
}

/** The bytes held by the records in flight on this instance; each record's share is a WebhookBudget. */
export class InFlightBytes {
  private held = 0;

  constructor(private readonly limit: number) {}

  /** A budget for one webhook, whose bytes count here until it is released. */
  open(perWebhook: number): WebhookBudget {
    return new WebhookBudget(perWebhook, this);
  }

  /** Takes `bytes` for a record already holding `own`; false when that would pass the limit while others hold some. */
  take(bytes: number, own: number): boolean {
    const others = this.held - own;
    if (others > 0 && this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
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
    if (this.pool && !this.released && !this.pool.take(bytes, this.used)) {
      throw new DeferredError(
        `the records in flight hold ${this.pool.bytes} bytes; ${bytes} more for ${what} would be too many: deferred`,
        MEMORY_BUSY_REASON,
        MEMORY_BUSY_DELAY_SECONDS,
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
    this.pool?.give(this.used);
  }
}

// Injected faults: the next N requests (optionally to one path), or a share of them (`probability`), answer a
// given status or are held for a while. Status and latency faults queue separately, first in first out, so one
// request can be both delayed and failed. Only the Klaviyo API paths take faults; `/_mock/*` never does.
import type { Fault, LatencyFault, StatusFault } from './types.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

interface Pending<T> {
  fault: T;
  /** Requests still to take it; Infinity for a probabilistic fault without `times`. */
  left: number;
}

export interface TakenFaults {
  status?: StatusFault;
  latencyMs?: number;
}

const normalizePath = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

/** Checks a fault from an untrusted source (the HTTP endpoint); returns it typed, or a reason it is not valid. */
export function parseFault(input: unknown): Fault | string {
  if (!isPlainObject(input)) return 'a fault is a JSON object';
  const f = input;
  if (
    f.probability !== undefined &&
    (typeof f.probability !== 'number' || !(f.probability > 0) || f.probability > 1)
  )
    return '`probability` must be a number in (0, 1]';
  // A probabilistic fault lasts until it is cleared, unless `times` bounds it.
  const times = f.times ?? (f.probability === undefined ? 1 : undefined);
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1))
    return '`times` must be an integer ≥ 1';
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/')))
    return '`path` must be a string starting with /';
  const path = typeof f.path === 'string' ? { path: f.path } : {};
  const share = {
    ...(times === undefined ? {} : { times }),
    ...(typeof f.probability === 'number' ? { probability: f.probability } : {}),
  };
  if (f.status !== undefined) {
    if (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 400 || f.status > 599)
      return '`status` must be an integer from 400 to 599';
    if (f.retryAfter !== undefined && (typeof f.retryAfter !== 'number' || f.retryAfter < 0))
      return '`retryAfter` must be a number of seconds ≥ 0';
    if (f.phase !== undefined && f.phase !== 'before' && f.phase !== 'after')
      return "`phase` must be 'before' or 'after'";
    const fault: StatusFault = { status: f.status, ...share, ...path };
    if (typeof f.retryAfter === 'number') fault.retryAfter = f.retryAfter;
    if (f.phase === 'before' || f.phase === 'after') fault.phase = f.phase;
    return fault;
  }
  if (f.latencyMs !== undefined) {
    if (typeof f.latencyMs !== 'number' || f.latencyMs < 0 || f.latencyMs > 600_000)
      return '`latencyMs` must be a number from 0 to 600000';
    return { latencyMs: f.latencyMs, ...share, ...path };
  }
  return 'a fault needs `status` or `latencyMs`';
}

export class FaultQueue {
  private statuses: Pending<StatusFault>[] = [];
  private latencies: Pending<LatencyFault>[] = [];

  /** `random` draws for faults with a probability: numbers in [0, 1). */
  constructor(private readonly random: () => number = Math.random) {}

  add(fault: Fault): void {
    const checked = parseFault(fault);
    if (typeof checked === 'string') throw new TypeError(`invalid fault: ${checked}`);
    const left = checked.times ?? Number.POSITIVE_INFINITY;
    if ('status' in checked) this.statuses.push({ fault: checked, left });
    else this.latencies.push({ fault: checked, left });
  }

  /**
   * Consumes, for one request to `path`, the first matching status fault and the first matching latency fault.
   * A fault's `path` matches the request's path or its route's template (`/api/profile-bulk-import-jobs/{job_id}`).
   */
  take(path: string, template: string = path): TakenFaults {
    const taken: TakenFaults = {};
    const status = takeFrom(this.statuses, [path, template], this.random);
    if (status) taken.status = status;
    const latency = takeFrom(this.latencies, [path, template], this.random);
    if (latency) taken.latencyMs = latency.latencyMs;
    return taken;
  }

  pending(): Fault[] {
    return [...this.statuses, ...this.latencies].map(({ fault, left }) =>
      Number.isFinite(left) ? { ...fault, times: left } : { ...fault },
    );
  }

  clear(): void {
    this.statuses = [];
    this.latencies = [];
  }
}

/**
 * The first matching fault that applies to this request. A fault without a probability always applies; those
 * with one share a single draw, each taking its own slice of [0, 1) in order, so their probabilities add up
 * (0.05 and 0.02: 5% of requests take the first, 2% the second) rather than compound.
 */
function takeFrom<T extends Fault>(
  queue: Pending<T>[],
  paths: string[],
  random: () => number,
): T | undefined {
  let draw: number | undefined;
  let slicesEnd = 0;
  const index = queue.findIndex((p) => {
    if (p.fault.path !== undefined && !paths.includes(normalizePath(p.fault.path))) return false;
    if (p.fault.probability === undefined) return true;
    draw ??= random();
    slicesEnd += p.fault.probability;
    return draw < slicesEnd;
  });
  const pending = queue[index];
  if (!pending) return undefined;
  pending.left -= 1;
  if (pending.left === 0) queue.splice(index, 1);
  return pending.fault;
}

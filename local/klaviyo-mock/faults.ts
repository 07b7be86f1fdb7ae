// Injected faults: the next N requests (optionally to one path) answer a given status or are held for a
// while. Status and latency faults queue separately, first in first out, so one request can be both delayed
// and failed. Only the Klaviyo API paths take faults; `/_mock/*` never does.
import type { Fault, LatencyFault, StatusFault } from './types.ts';

interface Pending<T> {
  fault: T;
  left: number;
}

export interface TakenFaults {
  status?: StatusFault;
  latencyMs?: number;
}

const normalizePath = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

/** Checks a fault from an untrusted source (the HTTP endpoint); returns it typed, or a reason it is not valid. */
export function parseFault(input: unknown): Fault | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'a fault is a JSON object';
  const f = input as Record<string, unknown>;
  const times = f.times ?? 1;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1)
    return '`times` must be an integer ≥ 1';
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/')))
    return '`path` must be a string starting with /';
  const path = typeof f.path === 'string' ? { path: f.path } : {};
  if (f.status !== undefined) {
    if (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 400 || f.status > 599)
      return '`status` must be an integer from 400 to 599';
    if (f.retryAfter !== undefined && (typeof f.retryAfter !== 'number' || f.retryAfter < 0))
      return '`retryAfter` must be a number of seconds ≥ 0';
    if (f.phase !== undefined && f.phase !== 'before' && f.phase !== 'after')
      return "`phase` must be 'before' or 'after'";
    const fault: StatusFault = { status: f.status, times, ...path };
    if (typeof f.retryAfter === 'number') fault.retryAfter = f.retryAfter;
    if (f.phase === 'before' || f.phase === 'after') fault.phase = f.phase;
    return fault;
  }
  if (f.latencyMs !== undefined) {
    if (typeof f.latencyMs !== 'number' || f.latencyMs < 0 || f.latencyMs > 600_000)
      return '`latencyMs` must be a number from 0 to 600000';
    return { latencyMs: f.latencyMs, times, ...path };
  }
  return 'a fault needs `status` or `latencyMs`';
}

export class FaultQueue {
  private statuses: Pending<StatusFault>[] = [];
  private latencies: Pending<LatencyFault>[] = [];

  add(fault: Fault): void {
    const checked = parseFault(fault);
    if (typeof checked === 'string') throw new TypeError(`invalid fault: ${checked}`);
    if ('status' in checked) this.statuses.push({ fault: checked, left: checked.times });
    else this.latencies.push({ fault: checked, left: checked.times });
  }

  /** Consumes, for one request to `path`, the first matching status fault and the first matching latency fault. */
  take(path: string): TakenFaults {
    const taken: TakenFaults = {};
    const status = takeFrom(this.statuses, path);
    if (status) taken.status = status;
    const latency = takeFrom(this.latencies, path);
    if (latency) taken.latencyMs = latency.latencyMs;
    return taken;
  }

  pending(): Fault[] {
    return [...this.statuses, ...this.latencies].map(({ fault, left }) => ({ ...fault, times: left }));
  }

  clear(): void {
    this.statuses = [];
    this.latencies = [];
  }
}

function takeFrom<T extends Fault>(queue: Pending<T>[], path: string): T | undefined {
  const index = queue.findIndex((p) => p.fault.path === undefined || normalizePath(p.fault.path) === path);
  const pending = queue[index];
  if (!pending) return undefined;
  pending.left -= 1;
  if (pending.left === 0) queue.splice(index, 1);
  return pending.fault;
}

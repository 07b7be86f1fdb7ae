// What an operation is given (the store, the clock, the request's path parameters and query, its contract's
// limits) and what it answers with.
import type { OperationLimits } from './contract.ts';
import type { MockStore } from './store.ts';

export interface OperationContext {
  store: MockStore;
  now: number;
  /** The mock's base URL, for `links`. */
  baseUrl: string;
  log: (line: string) => void;
  /** The operation's documented limits, from its contract file. */
  limits: OperationLimits;
  /** Path parameters of the route, e.g. `{ job_id }`. */
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface OperationResult {
  status: number;
  /** JSON:API document; absent for an empty 202. */
  body?: unknown;
}

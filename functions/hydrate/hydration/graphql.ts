// GraphQL APIs (Shopify's Admin API among them) answer errors with HTTP 200. A GraphQL step's answer is
// classified here: `THROTTLED` is the API's budget, deferred like a 429 for as long as its cost figures say the
// bucket needs to refill; any other error is permanent, with the API's message.
import { DeferredError, PermanentError } from '../../shared/stage/errors.ts';
import type { HydrationStep } from '../../shared/config/hydration-step.ts';
import { getPath } from '../../shared/json/path.ts';
import type { SourcePacer } from '../source-pacer.ts';

/** A step is GraphQL when it says so, or (by default) when it POSTs a body with a `query` string. */
export function isGraphqlStep(step: Pick<HydrationStep, 'graphql' | 'method' | 'body'>): boolean {
  if (step.graphql !== undefined) return step.graphql;
  const body = step.body;
  return (
    step.method === 'POST' &&
    body !== null &&
    typeof body === 'object' &&
    typeof (body as Record<string, unknown>).query === 'string'
  );
}

/** A wait that names nothing else: one second, as for a 429 without Retry-After. */
const DEFAULT_THROTTLED_WAIT_MS = 1_000;

interface GraphqlError {
  message?: unknown;
  extensions?: { code?: unknown; cost?: unknown };
}

export function checkGraphqlAnswer(
  what: string,
  body: unknown,
  options: { pacer?: SourcePacer | undefined; redact: (text: string) => string },
): void {
  const errors = getPath(body, 'errors');
  if (!Array.isArray(errors) || errors.length === 0) return;
  const list = errors as GraphqlError[];
  const throttled = list.find((e) => e?.extensions?.code === 'THROTTLED');
  if (throttled) {
    const waitMs = throttledWaitMs(getPath(body, 'extensions.cost') ?? throttled.extensions?.cost);
    const message = `${what} was throttled (GraphQL THROTTLED)`;
    const reason = 'source_api_throttled';
    if (options.pacer) {
      options.pacer.observe({ waitMs, intervalMs: 0 });
      throw options.pacer.defer(reason, message);
    }
    throw new DeferredError(message, reason, Math.max(1, Math.ceil(waitMs / 1_000)));
  }
  const messages = list.map((e) => (typeof e?.message === 'string' ? e.message : JSON.stringify(e)));
  throw new PermanentError(
    options.redact(`${what} answered GraphQL errors: ${messages.join('; ').slice(0, 500)}`),
    'source_api_graphql_error',
    { errors: list.slice(0, 5).map((e) => JSON.parse(options.redact(JSON.stringify(e))) as unknown) },
  );
}

/**
 * Shopify's cost figures: the bucket refills `restoreRate` points a second, holds `currentlyAvailable` now, and
 * the query asked for `requestedQueryCost`: the wait is the time to refill the difference.
 */
export function throttledWaitMs(cost: unknown): number {
  const requested = getPath(cost, 'requestedQueryCost');
  const available = getPath(cost, 'throttleStatus.currentlyAvailable');
  const restoreRate = getPath(cost, 'throttleStatus.restoreRate');
  if (typeof requested !== 'number' || typeof available !== 'number' || typeof restoreRate !== 'number')
    return DEFAULT_THROTTLED_WAIT_MS;
  if (!(restoreRate > 0)) return DEFAULT_THROTTLED_WAIT_MS;
  const missing = Math.max(0, requested - available);
  return Math.max(DEFAULT_THROTTLED_WAIT_MS, Math.ceil((missing / restoreRate) * 1_000));
}

// Many events, few calls: Bulk Create Events with the batch packed by planBulkRequests. A bulk request is all or
// nothing at Klaviyo, so one invalid event must not cost the valid ones:
//   - a 400-class answer whose pointer names an event (or an entry) dead-letters exactly that, with Klaviyo's
//     detail and pointer, and the rest go again in a new bulk request (refused-rows.ts);
//   - when the answer names no event, or the rounds run out, each remaining event goes on its own through
//     Create Event, so each gets its own verdict;
//   - 429, 401/403, 5xx and timeouts fail the request's events as retryable: the same unique_ids make a resend
//     harmless even if Klaviyo had accepted the first one.
import type { Logger } from '../shared/logger.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import {
  idsAtPointer,
  planBulkRequests,
  toRequest,
  type BulkItem,
  type PlannedBulkRequest,
} from './bulk-plan.ts';
import { deliverOne, type SendPorts } from './deliver-event.ts';
import { DONE, outcomeOfError } from './deliver-outcome.ts';
import { KlaviyoRejection } from './klaviyo-client.ts';
import { KLAVIYO_PATHS } from './klaviyo-requests.ts';
import { handleRefusal } from './refused-rows.ts';
import { runLimited } from './run-limited.ts';

export interface BulkPorts extends SendPorts {
  log: Logger;
  /** Log of each message, for per-message lines. */
  logOf: (id: string) => Logger;
  maxInFlight: number;
}

export async function deliverBulk(
  items: readonly BulkItem[],
  ports: BulkPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const byId = new Map(items.map((item) => [item.id, item]));
  const plan = planBulkRequests(items);

  async function fallBackToSingles(ids: readonly string[]) {
    await runLimited(ids, ports.maxInFlight, async (id) => {
      const item = byId.get(id);
      if (item) outcomes.set(id, await deliverOne(item.event, ports.logOf(id), ports));
    });
  }

  async function send(request: PlannedBulkRequest, round: number): Promise<void> {
    try {
      await ports.klaviyo.post(KLAVIYO_PATHS.bulkCreateEvents, request.body, { deadline: ports.deadline });
    } catch (error) {
      if (!(error instanceof KlaviyoRejection)) {
        const outcome = outcomeOfError(error, ports.counters);
        for (const id of request.all) outcomes.set(id, outcome);
        return;
      }
      const refusal = {
        what: 'bulk request',
        blamed: (e: KlaviyoRejection) =>
          e.status === 400 || e.status === 422
            ? idsAtPointer(request, e.errors[0]?.source?.pointer)
            : undefined,
        resend: (ids: readonly string[], next: number) =>
          send(toRequest(ids.flatMap((id) => byId.get(id) ?? [])), next),
        alone: fallBackToSingles,
      };
      return handleRefusal(request.all, error, round, refusal, ports, outcomes);
    }
    ports.counters.count('delivered', request.all.length);
    ports.log.info('delivered', {
      outcome: 'delivered',
      operation: KLAVIYO_PATHS.bulkCreateEvents,
      events: request.all.length,
    });
    for (const id of request.all) outcomes.set(id, DONE);
  }

  // Bulk calls are few and large: two at a time keeps the pacer fed without holding many 5 MB bodies.
  await runLimited(plan.requests, 2, (request) => send(request, 0));
  for (const [follower, leader] of plan.followers) {
    const outcome = outcomes.get(leader);
    if (outcome) outcomes.set(follower, outcome);
  }
  return outcomes;
}

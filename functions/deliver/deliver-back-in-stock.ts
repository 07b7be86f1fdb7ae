// Back-in-stock subscriptions: one Create Back In Stock Subscription call per message (one profile, one catalog
// variant, email and/or SMS; 350/s, 3,500/m on its own pacer). Klaviyo answers 202 with no body, which decides
// the outcome as for any single call: delivered; 429, 401/403, 5xx and timeouts retried (subscribing a profile
// to a variant again leaves one subscription, so a resend is harmless); another 4xx dead-lettered with
// Klaviyo's detail and pointer. An exact repeat in the batch (an SQS redelivery) is sent once and follows its
// copy's outcome. The variant is named as the catalog sync writes it: `$custom:::$default:::<external id>`.
import type { Logger } from '../shared/logger.ts';
import type { KlaviyoBackInStockV1 } from '../shared/stage/contracts.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import type { SendPorts } from './deliver-event.ts';
import { DONE, outcomeOfError } from './deliver-outcome.ts';
import { runLimited } from './run-limited.ts';

export const BACK_IN_STOCK_PATH = '/api/back-in-stock-subscriptions';

/** Klaviyo's id of a `$custom` catalog variant in the default catalog. */
export const catalogVariantId = (externalId: string): string => `$custom:::$default:::${externalId}`;

export function backInStockBody(message: KlaviyoBackInStockV1) {
  const { id, ...identifiers } = message.profile;
  return {
    data: {
      type: 'back-in-stock-subscription' as const,
      attributes: {
        channels: [...message.channels],
        profile: {
          data: { type: 'profile' as const, ...(id === undefined ? {} : { id }), attributes: identifiers },
        },
      },
      relationships: {
        variant: {
          data: { type: 'catalog-variant' as const, id: catalogVariantId(message.variant_external_id) },
        },
      },
    },
  };
}

export interface BackInStockItem {
  /** The SQS message id the subscription came from. */
  id: string;
  message: KlaviyoBackInStockV1;
}

export interface BackInStockPorts extends SendPorts {
  logOf: (id: string) => Logger;
  maxInFlight: number;
}

export async function deliverBackInStock(
  items: readonly BackInStockItem[],
  ports: BackInStockPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const leaders = new Map<string, string>(); // body → id of the message that sends it
  const followers = new Map<string, string>();
  const toSend: BackInStockItem[] = [];
  for (const item of items) {
    const key = JSON.stringify(backInStockBody(item.message));
    const leader = leaders.get(key);
    if (leader === undefined) {
      leaders.set(key, item.id);
      toSend.push(item);
    } else followers.set(item.id, leader);
  }

  await runLimited(toSend, ports.maxInFlight, async ({ id, message }) => {
    try {
      await ports.klaviyo.post(BACK_IN_STOCK_PATH, backInStockBody(message), { deadline: ports.deadline });
    } catch (error) {
      outcomes.set(id, outcomeOfError(error, ports.counters));
      return;
    }
    ports.counters.count('delivered');
    ports.logOf(id).info('delivered', {
      outcome: 'delivered',
      operation: BACK_IN_STOCK_PATH,
      variant: catalogVariantId(message.variant_external_id),
      channels: message.channels,
    });
    outcomes.set(id, DONE);
  });
  for (const [follower, leader] of followers) {
    const outcome = outcomes.get(leader);
    if (outcome) outcomes.set(follower, outcome);
  }
  return outcomes;
}

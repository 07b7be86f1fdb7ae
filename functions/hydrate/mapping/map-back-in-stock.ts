// The back-in-stock subscriptions one webhook becomes (`mapping.back_in_stock`): a storefront's or app's "notify
// me" becomes, for each entry whose event types match and whose `when` holds, one `klaviyo.back-in-stock` message —
// the mapping's profile (its identifiers, as events name it), the catalog variant by its external id (as the
// catalog sync wrote it), on the entry's channels. A webhook with no variant id is skipped with the reason (logged
// and counted by the caller); the webhook's other writes go on.
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import { readValue } from '../../shared/config/expression.ts';
import {
  klaviyoBackInStockV1Schema,
  type KlaviyoBackInStockV1,
  type ProfileIdentifiers,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import { asRecordId } from './map-records.ts';
import type { SkippedEvent } from './plan-events.ts';
import { isTruthy } from './values.ts';

export async function mapBackInStock(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  profileOnce: () => Promise<ProfileIdentifiers>,
  out: { skipped: SkippedEvent[] },
  add: (made: KlaviyoBackInStockV1) => void,
): Promise<void> {
  for (const [position, entry] of (source.mapping.back_in_stock ?? []).entries()) {
    if (entry.event_types !== undefined && !entry.event_types.includes(message.event_type)) continue;
    const where = `${mappingWhere(message.source)}.back_in_stock[${position}]`;
    if (entry.when !== undefined && !isTruthy(await readValue(entry.when, context, `${where}.when`)))
      continue;
    const variant = asRecordId(
      await readValue(entry.variant_external_id, context, `${where}.variant_external_id`),
    );
    if (variant === undefined) {
      out.skipped.push({
        where: `${where}.variant_external_id`,
        reason: 'no variant external id (a non-empty text or a number)',
      });
      continue;
    }
    const parsed = klaviyoBackInStockV1Schema().safeParse({
      type: 'klaviyo.back-in-stock',
      version: 1,
      correlation_id: message.correlation_id,
      source: message.source,
      delivery_id: message.delivery_id,
      profile: await profileOnce(),
      variant_external_id: variant,
      channels: entry.channels,
    });
    if (!parsed.success)
      throw new PermanentError(
        `${where}: mapped subscription does not match the contract`,
        'mapping_invalid',
        {
          where,
          issues: parsed.error.issues,
        },
      );
    add(parsed.data);
  }
}

// Back-in-stock subscriptions (hydrate → deliver `klaviyo.back-in-stock`) for tests, built through the real contract.
import {
  klaviyoBackInStockV1Schema,
  type KlaviyoBackInStockV1,
} from '../../functions/shared/stage/contracts.ts';

/** ada@example.com on variant `SKU-1-M` by email, unless the fields say otherwise. */
export function backInStockFixture(
  id: string,
  fields: Partial<KlaviyoBackInStockV1> = {},
): KlaviyoBackInStockV1 {
  return klaviyoBackInStockV1Schema().parse({
    type: 'klaviyo.back-in-stock',
    version: 1,
    correlation_id: `shop:${id}`,
    source: 'shop',
    delivery_id: id,
    profile: { email: 'ada@example.com' },
    variant_external_id: 'SKU-1-M',
    channels: ['EMAIL'],
    ...fields,
  });
}

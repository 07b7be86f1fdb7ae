// Back-in-stock subscriptions (hydrate → deliver `klaviyo.back-in-stock`) for tests, built through the real contract,
// and the catalog variants they name, put in the Klaviyo mock.
import {
  klaviyoBackInStockV1Schema,
  type KlaviyoBackInStockV1,
} from '../../functions/shared/stage/contracts.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { callMock, MOCK_KEY } from './klaviyo-mock-calls.ts';

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

/**
 * Puts catalog variants (and their item) in the mock's catalog through its bulk create jobs, as a catalog sync
 * would: the mock subscribes only to a variant it holds. The mock completes jobs at once unless told otherwise.
 */
export async function catalogVariantsInMock(
  mock: KlaviyoMock,
  variants: string[],
  { item = 'SHIRT-1', apiKey = MOCK_KEY }: { item?: string; apiKey?: string } = {},
): Promise<void> {
  const auth = { Authorization: `Klaviyo-API-Key ${apiKey}` };
  const rows = (member: string, data: unknown[]) => ({ [member]: { data } });
  const itemJob = await callMock(
    mock,
    'POST',
    '/api/catalog-item-bulk-create-jobs',
    {
      data: {
        type: 'catalog-item-bulk-create-job',
        attributes: rows('items', [
          {
            type: 'catalog-item',
            attributes: {
              external_id: item,
              title: 'Shirt',
              description: 'Blue',
              url: 'https://shop.example.com/p',
            },
          },
        ]),
      },
    },
    auth,
  );
  const variantJob = await callMock(
    mock,
    'POST',
    '/api/catalog-variant-bulk-create-jobs',
    {
      data: {
        type: 'catalog-variant-bulk-create-job',
        attributes: rows(
          'variants',
          variants.map((externalId) => ({
            type: 'catalog-variant',
            attributes: {
              external_id: externalId,
              title: `Shirt ${externalId}`,
              description: 'Blue',
              sku: externalId,
              inventory_quantity: 0,
              price: 25,
              url: 'https://shop.example.com/p',
            },
            relationships: { item: { data: { type: 'catalog-item', id: `$custom:::$default:::${item}` } } },
          })),
        ),
      },
    },
    auth,
  );
  const held = new Set(mock.catalog().map((entry) => `${entry.entity}:${entry.externalId}`));
  const missing = variants.filter((v) => !held.has(`variant:${v}`));
  if (itemJob.status !== 202 || variantJob.status !== 202 || missing.length > 0)
    throw new Error(
      `catalog not seeded (${itemJob.status}, ${variantJob.status}; missing ${missing.join(', ')})`,
    );
}

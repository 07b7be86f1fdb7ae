// Back in stock through local mode, webhook to Klaviyo mock: a Shopify product created (the shopify preset syncs
// its variants to the catalog), then a storefront's "notify me" webhook, mapped by a `back_in_stock` entry that names
// the variant by its Shopify id, ends as the profile's subscription on the variant the catalog sync created. A
// "notify me" for a variant the catalog does not hold is refused by Klaviyo (here the mock) and dead-lettered with
// its error, not lost.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { documentOf, SHOPIFY_SOURCE, useLocalStack } from '../helpers/local-stack-per-file.ts';
import { waitFor } from '../helpers/wait.ts';

const local = useLocalStack(() => ({
  document: documentOf({
    shop: SHOPIFY_SOURCE,
    storefront: {
      kind: 'generic-hmac',
      secrets: [{ env: 'DEMO_WEBHOOK_SECRET' }],
      signature: { header: 'x-demo-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
      delivery_id: { header: 'x-demo-delivery-id' },
      event_type: { header: 'x-demo-topic' },
      mapping: {
        emit: 'none',
        profile: { email: ['event.email'], phone_number: ['event.phone'] },
        back_in_stock: [
          {
            id: 'notify_me',
            event_types: ['stock.notify'],
            variant_external_id: 'event.variant_id',
            channels: ['EMAIL', 'SMS'],
          },
        ],
      },
    },
  }),
}));

/** The fixture's first variant, as Shopify numbers it and as the catalog sync names it in Klaviyo. */
const SHOPIFY_VARIANT = 46021776310318;
const VARIANT_ID = `$custom:::$default:::${SHOPIFY_VARIANT}`;

/** Posts signed as the source's sender does, with its topic, and waits for the pipeline to drain. */
async function send(
  name: string,
  topic: string,
  body: Buffer,
  secret: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const source = local.stack.config.sources[name];
  if (!source) throw new Error(`no source ${name}`);
  const headers = {
    ...signedHeaders(source, body, secret, { deliveryId: randomUUID(), eventType: topic }),
    ...extra,
  };
  const response = await fetch(local.stack.webhookUrl(name), { method: 'POST', headers, body });
  expect(response.status).toBe(202);
  await waitFor(`${topic} through the pipeline`, () => local.stack.drained());
}

const notifyMe = (email: string, variantId: number) =>
  send(
    'storefront',
    'stock.notify',
    Buffer.from(JSON.stringify({ email, phone: '+15005550006', variant_id: variantId })),
    DEV_SECRETS.DEMO_WEBHOOK_SECRET,
  );

describe('local pipeline: back in stock', () => {
  it('a "notify me" on a variant the catalog sync created subscribes the profile to it', async () => {
    await send(
      'shop',
      'products/create',
      await readFile('test/fixtures/presets/shopify/products-create.json'),
      DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET,
      { 'x-shopify-shop-domain': 'northwind-outfitters.myshopify.com' },
    );
    expect(local.mock.catalog().find((e) => e.id === VARIANT_ID)).toMatchObject({ entity: 'variant' });

    await notifyMe('ada@example.com', SHOPIFY_VARIANT);
    const [ada] = local.mock.profiles();
    expect(ada).toMatchObject({ email: 'ada@example.com' });
    expect(local.mock.backInStock()).toEqual([
      expect.objectContaining({ profileId: ada?.id, variantId: VARIANT_ID, channels: ['EMAIL', 'SMS'] }),
    ]);
    expect(local.mock.events()).toEqual([]);

    // A variant the catalog does not hold: Klaviyo refuses it, the relay dead-letters it with the refusal.
    await notifyMe('bob@example.com', 999);
    expect(local.mock.backInStock()).toHaveLength(1);
    const refused = local.mock
      .requests()
      .filter((r) => r.path === '/api/back-in-stock-subscriptions' && r.status === 400);
    expect(refused).toHaveLength(1);
    const status = (await (await fetch(local.stack.statusUrl)).json()) as {
      dlqs: Record<string, { count: number }>;
    };
    expect(Object.values(status.dlqs).reduce((sum, dlq) => sum + dlq.count, 0)).toBe(1);
  });
});

// The catalog through local mode, webhook to Klaviyo mock, with the shopify preset and nothing else configured: a
// product created, updated twice with the two updates arriving in reverse order, then deleted, ends deleted in the
// mock's catalog, and the older update never overwrites the newer one in between (catalog rows are state,
// versioned by the product's `updated_at`: docs/adr/0033-catalog-sync.md). After each step the mock's catalog is
// read as it stands and every job Klaviyo received is checked for what it carried. The product's versions lie in
// the past: a delete carries none of its own and is as new as its arrival.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { documentOf, SHOPIFY_SOURCE, useLocalStack } from '../helpers/local-stack-per-file.ts';
import { waitFor } from '../helpers/wait.ts';

const local = useLocalStack(() => ({ document: documentOf({ shop: SHOPIFY_SOURCE }) }));

const PRODUCT_ID = '$custom:::$default:::8817284612398';
const VARIANT_ID = '$custom:::$default:::46021776310318';

interface Product {
  title: string;
  updated_at: string;
  variants: { price: string; inventory_quantity: number }[];
}

/** Shopify's `products/update` body at one version: the product's title, and its first variant's price and stock. */
async function productAt(updatedAt: string, title: string, price: string, stock: number): Promise<Buffer> {
  const product = JSON.parse(
    await readFile('test/fixtures/presets/shopify/products-create.json', 'utf8'),
  ) as Product;
  product.title = title;
  product.updated_at = updatedAt;
  const [first] = product.variants;
  if (!first) throw new Error('the fixture has no variant');
  first.price = price;
  first.inventory_quantity = stock;
  return Buffer.from(JSON.stringify(product));
}

/** Posts as Shopify does: signed, with its topic and the shop that sent it (the product URL needs it). */
async function send(topic: string, body: Buffer): Promise<void> {
  const source = local.stack.config.sources.shop;
  if (!source) throw new Error('no source shop');
  const headers = {
    ...signedHeaders(source, body, DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET, {
      deliveryId: randomUUID(),
      eventType: topic,
    }),
    'x-shopify-shop-domain': 'northwind-outfitters.myshopify.com',
  };
  const response = await fetch(local.stack.webhookUrl('shop'), { method: 'POST', headers, body });
  expect(response.status).toBe(202);
  await waitFor(`${topic} through the pipeline`, () => local.stack.drained());
}

const entry = (id: string) => local.mock.catalog().find((e) => e.id === id);
/** The title of each item row Klaviyo was sent, in job order. */
const itemTitlesSent = () =>
  local.mock
    .catalogJobs()
    .filter((job) => job.entity === 'item' && job.kind !== 'delete')
    .flatMap((job) => job.rows.map((r) => (r.row.attributes as { title?: string }).title));

describe('local pipeline: catalog', () => {
  it('a product created, updated twice out of order, then deleted ends deleted; the newest never overwritten', async () => {
    await send(
      'products/create',
      await productAt('2024-03-02T09:15:00-05:00', 'Harbor Jacket', '148.00', 12),
    );
    expect(entry(PRODUCT_ID)?.attributes).toMatchObject({
      title: 'Harbor Jacket',
      url: 'https://northwind-outfitters.myshopify.com/products/harbor-canvas-jacket',
    });
    expect(entry(VARIANT_ID)).toMatchObject({
      attributes: { price: 148, inventory_quantity: 12, sku: 'HCJ-OLV-M', inventory_policy: 1 },
      related: [PRODUCT_ID],
    });
    expect(local.mock.catalog().filter((e) => e.entity === 'variant')).toHaveLength(2);

    // The newer update arrives first …
    await send(
      'products/update',
      await productAt('2024-03-20T16:40:00-05:00', 'Harbor Jacket v3', '119.00', 1),
    );
    expect(entry(PRODUCT_ID)?.attributes).toMatchObject({ title: 'Harbor Jacket v3', price: 119 });
    expect(entry(VARIANT_ID)?.attributes).toMatchObject({ price: 119, inventory_quantity: 1 });

    // … the older one after it: it is not sent, so nothing in Klaviyo goes back.
    const jobsBefore = local.mock.catalogJobs().length;
    await send(
      'products/update',
      await productAt('2024-03-10T11:00:00-05:00', 'Harbor Jacket v2', '129.00', 3),
    );
    expect(entry(PRODUCT_ID)?.attributes).toMatchObject({ title: 'Harbor Jacket v3', price: 119 });
    expect(entry(VARIANT_ID)?.attributes).toMatchObject({ price: 119, inventory_quantity: 1 });
    expect(local.mock.catalogJobs()).toHaveLength(jobsBefore);
    expect(itemTitlesSent()).toEqual([
      'Harbor Jacket', // the update job that found nothing
      'Harbor Jacket', // the create that followed
      'Harbor Jacket v3',
    ]);

    await send('products/delete', Buffer.from(JSON.stringify({ id: 8817284612398 })));
    expect(entry(PRODUCT_ID)).toBeUndefined();
    expect(local.mock.catalog().filter((e) => e.entity === 'item')).toEqual([]);

    // An update that was older than the delete but arrives after it does not bring the item back.
    await send(
      'products/update',
      await productAt('2024-03-21T08:00:00-05:00', 'Harbor Jacket v4', '99.00', 0),
    );
    expect(local.mock.catalog().filter((e) => e.entity === 'item')).toEqual([]);

    expect(local.mock.events()).toEqual([]);
    expect(local.mock.profiles()).toEqual([]);
    const status = (await (await fetch(local.stack.statusUrl)).json()) as {
      dlqs: Record<string, { count: number }>;
    };
    // hydrate's DLQ and each family's deliver DLQ: all empty.
    expect(Object.values(status.dlqs).map((dlq) => dlq.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

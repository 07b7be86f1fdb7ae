// Presets through local mode, webhook to Klaviyo mock, with no mapping written by the user: a Shopify orders/create
// with three line items becomes one Placed Order and three Ordered Product events; a BigCommerce order is hydrated
// from a stand-in of the store's API, and a Stripe Checkout session's line items are read page by page (has_more,
// starting_after) from a stand-in of Stripe's API. The stand-ins run in this process, on loopback: each preset's
// base URL is overridden to them, which also shows an override at work.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { klaviyoMockOf, startLocalStackWithDocument, postSigned } from '../helpers/local-stack.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let standInApi: Server;
const standInCalls: string[] = [];
const BIGCOMMERCE = {
  webhookSecret: 'local-bigcommerce-webhook-secret',
  apiToken: 'local-bigcommerce-api-token',
};

/** One loopback server standing in for BigCommerce's store API (v2/v3 paths, the created-order answers) and Stripe's. */
async function startStandInApis(): Promise<string> {
  const answers = 'test/fixtures/presets/bigcommerce/responses/store-order-created';
  const files: Record<string, string> = {
    '/stores/r7k2m9x4qa/v2/orders/1187': 'order.json',
    '/stores/r7k2m9x4qa/v2/orders/1187/products': 'products.json',
    '/stores/r7k2m9x4qa/v2/orders/1187/shipping_addresses': 'shipping_addresses.json',
    '/stores/r7k2m9x4qa/v2/orders/1187/coupons': 'coupons.json',
    '/stores/r7k2m9x4qa/v3/customers?id:in=412': 'customer.json',
  };
  standInApi = createServer((request, response) => {
    const url = request.url ?? '';
    standInCalls.push(url);
    if (url.startsWith('/v1/')) return void answerStripe(url, request.headers.authorization, response);
    const file = files[url];
    if (request.headers['x-auth-token'] !== BIGCOMMERCE.apiToken) return void response.writeHead(401).end();
    if (!file) return void response.writeHead(404).end();
    void readFile(path.join(answers, file)).then((body) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
  });
  await new Promise<void>((resolve) => standInApi.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(standInApi.address() as AddressInfo).port}`;
}

const STRIPE = { webhookSecret: 'whsec_local_stripe_webhook_secret', apiKey: 'rk_test_local_stripe_key' };

/** Stripe's list endpoint for a session's line items: two per page, `has_more`, the next page after `starting_after`. */
function answerStripe(url: string, authorization: string | undefined, response: ServerResponse): void {
  if (authorization !== `Bearer ${STRIPE.apiKey}`) return void response.writeHead(401).end();
  const parsed = new URL(url, 'http://stand-in');
  if (parsed.pathname !== '/v1/checkout/sessions/cs_test_b1Nq8X2yKcJ4fZ7rT0uV/line_items')
    return void response.writeHead(404).end();
  void stripeLineItems().then((all) => {
    const after = parsed.searchParams.get('starting_after');
    const start = after === null ? 0 : all.findIndex((item) => item.id === after) + 1;
    const data = all.slice(start, start + 2);
    const page = { object: 'list', data, has_more: start + 2 < all.length, url: parsed.pathname };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
  });
}

async function stripeLineItems(): Promise<{ id: string }[]> {
  const dir = 'test/fixtures/presets/stripe/responses/checkout-session-completed';
  const pages = await Promise.all(
    ['line_items.1.json', 'line_items.2.json'].map(
      async (file) => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { data: { id: string }[] },
    ),
  );
  return pages.flatMap((page) => page.data);
}

beforeAll(async () => {
  const standInUrl = await startStandInApis();
  const document = {
    version: 1,
    sources: {
      shop: { preset: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }] },
      store: {
        preset: 'bigcommerce',
        secrets: [{ env: 'BIGCOMMERCE_WEBHOOK_SECRET' }],
        hydration: {
          connections: {
            store: {
              base_url: `${standInUrl}/stores/{params.store_hash}`,
              auth: { header: 'x-auth-token', secret: { env: 'BIGCOMMERCE_API_TOKEN' } },
            },
          },
        },
      },
      payments: {
        preset: 'stripe',
        secrets: [{ env: 'STRIPE_WEBHOOK_SECRET' }],
        hydration: {
          connections: {
            stripe: { base_url: standInUrl, auth: { kind: 'bearer', secret: { env: 'STRIPE_API_KEY' } } },
          },
        },
      },
    },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: '${KLAVIYO_BASE_URL}' },
  };
  const env = {
    BIGCOMMERCE_WEBHOOK_SECRET: BIGCOMMERCE.webhookSecret,
    BIGCOMMERCE_API_TOKEN: BIGCOMMERCE.apiToken,
    STRIPE_WEBHOOK_SECRET: STRIPE.webhookSecret,
    STRIPE_API_KEY: STRIPE.apiKey,
  };
  ({ stack, dir } = await startLocalStackWithDocument(document, { env }));
  mock = klaviyoMockOf(stack);
});
afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => standInApi.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const eventsOf = (source: string) => mock.events().filter((e) => e.uniqueId?.startsWith(`${source}:`));

describe('local pipeline: presets', () => {
  it('shopify: orders/create with three line items → Placed Order and three Ordered Product', async () => {
    const order = await readFile('test/fixtures/presets/shopify/orders-create.json');
    const deliveryId = randomUUID();
    const response = await postSigned(stack, 'shop', order, DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET, {
      deliveryId,
      eventType: 'orders/create',
    });
    expect(response.status).toBe(202);

    const recorded = await waitFor(
      'four events at the Klaviyo mock',
      () => eventsOf('shop').length === 4 && eventsOf('shop'),
    );
    expect(recorded.map((e) => [e.metric, e.uniqueId])).toEqual(
      expect.arrayContaining([
        ['Placed Order', `shop:${deliveryId}:placed_order`],
        ['Ordered Product', `shop:${deliveryId}:ordered_product:11001`],
        ['Ordered Product', `shop:${deliveryId}:ordered_product:11002`],
        ['Ordered Product', `shop:${deliveryId}:ordered_product:11003`],
      ]),
    );
    expect(recorded.find((e) => e.metric === 'Placed Order')).toMatchObject({
      profile: { email: 'grace.hopper@example.com' },
      value: 96.85,
      valueCurrency: 'USD',
      properties: { OrderId: 5820331950186, DiscountCodes: ['AUTUMN10'] },
    });
  });
  it('bigcommerce: a thin order webhook hydrated from the store API → Placed Order and three Ordered Product', async () => {
    const webhook = await readFile('test/fixtures/presets/bigcommerce/store-order-created.json');
    const response = await postSigned(stack, 'store', webhook, BIGCOMMERCE.webhookSecret);
    expect(response.status).toBe(202);

    const recorded = await waitFor(
      'four events at the Klaviyo mock',
      () => eventsOf('store').length === 4 && eventsOf('store'),
    );
    const deliveryId = '9c1f6a0d3e7b4c2a8f5d6e1b0a9c8d7e6f5a4b3c';
    expect(recorded.map((e) => [e.metric, e.uniqueId])).toEqual(
      expect.arrayContaining([
        ['Placed Order', `store:${deliveryId}:placed_order`],
        ['Ordered Product', `store:${deliveryId}:ordered_product:901`],
        ['Ordered Product', `store:${deliveryId}:ordered_product:902`],
        ['Ordered Product', `store:${deliveryId}:ordered_product:903`],
      ]),
    );
    expect(recorded.find((e) => e.metric === 'Placed Order')).toMatchObject({
      profile: { email: 'ada.byron@example.com' },
      value: 102.99,
      valueCurrency: 'GBP',
      properties: { OrderId: 1187, DiscountCodes: ['FIELDTRIP10'], ShippingCity: 'London' },
    });
    expect(standInCalls).toEqual(
      expect.arrayContaining([
        '/stores/r7k2m9x4qa/v2/orders/1187',
        '/stores/r7k2m9x4qa/v3/customers?id:in=412',
      ]),
    );
  });
  it('stripe: a Checkout session whose line items come in two pages → Placed Order and three Ordered Product', async () => {
    const event = await readFile('test/fixtures/presets/stripe/checkout-session-completed.json');
    const response = await postSigned(stack, 'payments', event, STRIPE.webhookSecret);
    expect(response.status).toBe(202);

    const recorded = await waitFor(
      'four events at the Klaviyo mock',
      () => eventsOf('payments').length === 4 && eventsOf('payments'),
    );
    const prefix = 'payments:evt_1QyZt5LkdIwHu7ixCheckout';
    expect(recorded.map((e) => [e.metric, e.uniqueId])).toEqual(
      expect.arrayContaining([
        ['Placed Order', `${prefix}:placed_order`],
        ['Ordered Product', `${prefix}:ordered_product:li_1QyZsyLkdIwHu7ixA1b2C3d4`],
        ['Ordered Product', `${prefix}:ordered_product:li_1QyZsyLkdIwHu7ixE5f6G7h8`],
        ['Ordered Product', `${prefix}:ordered_product:li_1QyZsyLkdIwHu7ixI9j0K1l2`],
      ]),
    );
    expect(recorded.find((e) => e.metric === 'Placed Order')).toMatchObject({
      profile: { email: 'marie.curie@example.com' },
      value: 111.6,
      valueCurrency: 'EUR',
    });
    const pages = standInCalls.filter((url) => url.startsWith('/v1/checkout/sessions/'));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('starting_after=li_1QyZsyLkdIwHu7ixE5f6G7h8');
  });
});

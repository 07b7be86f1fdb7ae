// Presets through local mode, webhook to Klaviyo mock, with no mapping written by the user: a Shopify orders/create
// with three line items becomes one Placed Order and three Ordered Product events; a BigCommerce order is hydrated
// from a stand-in of the store's API (in this process, on loopback: the preset's base URL is overridden to it, which
// also shows an override at work).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { signedHeaders } from '../../local/sign.ts';
import { DEV_SECRETS, startLocalStack, type LocalStack } from '../../local/stack.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let storeApi: Server;
const storeCalls: string[] = [];
const BIGCOMMERCE = {
  webhookSecret: 'local-bigcommerce-webhook-secret',
  apiToken: 'local-bigcommerce-api-token',
};

/** Answers the store API's v2/v3 paths from the recorded answers of the created-order fixture. */
async function startStoreApi(): Promise<string> {
  const answers = 'test/fixtures/presets/bigcommerce/responses/store-order-created';
  const files: Record<string, string> = {
    '/stores/r7k2m9x4qa/v2/orders/1187': 'order.json',
    '/stores/r7k2m9x4qa/v2/orders/1187/products': 'products.json',
    '/stores/r7k2m9x4qa/v2/orders/1187/shipping_addresses': 'shipping_addresses.json',
    '/stores/r7k2m9x4qa/v2/orders/1187/coupons': 'coupons.json',
    '/stores/r7k2m9x4qa/v3/customers?id:in=412': 'customer.json',
  };
  storeApi = createServer((request, response) => {
    const url = request.url ?? '';
    storeCalls.push(url);
    const file = files[url];
    if (request.headers['x-auth-token'] !== BIGCOMMERCE.apiToken) return void response.writeHead(401).end();
    if (!file) return void response.writeHead(404).end();
    void readFile(path.join(answers, file)).then((body) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
  });
  await new Promise<void>((resolve) => storeApi.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(storeApi.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const storeApiUrl = await startStoreApi();
  dir = await mkdtemp(path.join(tmpdir(), 'relay-presets-'));
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
              base_url: `${storeApiUrl}/stores/{params.store_hash}`,
              auth: { header: 'x-auth-token', secret: { env: 'BIGCOMMERCE_API_TOKEN' } },
            },
          },
        },
      },
    },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: '${KLAVIYO_BASE_URL}' },
  };
  const configFile = path.join(dir, 'relay.json');
  await writeFile(configFile, JSON.stringify(document));
  const env = {
    BIGCOMMERCE_WEBHOOK_SECRET: BIGCOMMERCE.webhookSecret,
    BIGCOMMERCE_API_TOKEN: BIGCOMMERCE.apiToken,
  };
  stack = await startLocalStack({ env, configFile, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  mock = stack.klaviyoMock;
});
afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => storeApi.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const eventsOf = (source: string) => mock.events().filter((e) => e.uniqueId?.startsWith(`${source}:`));

describe('local pipeline: presets', () => {
  it('shopify: orders/create with three line items → Placed Order and three Ordered Product', async () => {
    const source = stack.config.sources.shop;
    if (!source) throw new Error('no shop source');
    const order = await readFile('test/fixtures/presets/shopify/orders-create.json');
    const deliveryId = randomUUID();
    const headers = signedHeaders(source, order, DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET, {
      deliveryId,
      eventType: 'orders/create',
    });
    const response = await fetch(stack.webhookUrl('shop'), { method: 'POST', headers, body: order });
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
    const source = stack.config.sources.store;
    if (!source) throw new Error('no store source');
    const webhook = await readFile('test/fixtures/presets/bigcommerce/store-order-created.json');
    const headers = signedHeaders(source, webhook, BIGCOMMERCE.webhookSecret);
    const response = await fetch(stack.webhookUrl('store'), { method: 'POST', headers, body: webhook });
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
    expect(storeCalls).toEqual(
      expect.arrayContaining([
        '/stores/r7k2m9x4qa/v2/orders/1187',
        '/stores/r7k2m9x4qa/v3/customers?id:in=412',
      ]),
    );
  });
});

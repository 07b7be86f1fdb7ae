// Presets through local mode, webhook to Klaviyo mock: a Shopify orders/create with three line items becomes one
// Placed Order and three Ordered Product events, with no mapping written by the user.
import { randomUUID } from 'node:crypto';
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

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relay-presets-'));
  const document = {
    version: 1,
    sources: {
      shop: { preset: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }] },
    },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: '${KLAVIYO_BASE_URL}' },
  };
  const configFile = path.join(dir, 'relay.json');
  await writeFile(configFile, JSON.stringify(document));
  stack = await startLocalStack({ env: {}, configFile, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  mock = stack.klaviyoMock;
});
afterAll(async () => {
  await stack.stop();
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
});

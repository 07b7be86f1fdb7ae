// Integers a double cannot hold (Shopify's documented order id 820982911946154508, snowflake ids) keep their exact
// digits end to end, through local mode: ingest, the queues, hydrate (the webhook and the source API's answer, and
// the hydration URL filled from such an id), deliver and the Klaviyo mock. JSON.parse alone would round them to
// 820982911946154500, and two line items whose ids differ only in the last digits would share a unique_id.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { klaviyoMockOf, startLocalStackWithDocument, postSigned } from '../helpers/local-stack.ts';
import { waitFor } from '../helpers/wait.ts';

const ORDER_ID = '820982911946154508';
const LINE_ITEM_IDS = ['820982911946154601', '820982911946154602', '820982911946154603'];
const REFUND_ID = '820982911946155001';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let standInApi: Server;
const standInCalls: string[] = [];

/** A fixture's text with numeric ids replaced by big ones, written as JSON numbers (never through a double). */
async function withIds(file: string, replacements: [string, string][]): Promise<Buffer> {
  let text = await readFile(file, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
    text = text.replaceAll(from, to);
  }
  return Buffer.from(text);
}

beforeAll(async () => {
  // Shopify's Admin API, answering the refund's order with the big id, as Shopify writes it: a JSON number.
  const order = await withIds('test/fixtures/presets/shopify/responses/refunds-create/order.json', [
    ['"id": 5820331950186', `"id": ${ORDER_ID}`],
  ]);
  standInApi = createServer((request, response) => {
    standInCalls.push(request.url ?? '');
    if (request.url !== `/orders/${ORDER_ID}.json`) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(order);
  });
  await new Promise<void>((resolve) => standInApi.listen(0, '127.0.0.1', resolve));
  const standInUrl = `http://127.0.0.1:${(standInApi.address() as AddressInfo).port}`;

  const document = {
    version: 1,
    sources: {
      shop: {
        preset: 'shopify',
        secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }],
        hydration: { connections: { admin: { base_url: standInUrl } } },
      },
    },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: '${KLAVIYO_BASE_URL}' },
  };
  ({ stack, dir } = await startLocalStackWithDocument(document));
  mock = klaviyoMockOf(stack);
});
afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => standInApi.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function post(body: Buffer, eventType: string): Promise<string> {
  const deliveryId = randomUUID();
  const response = await postSigned(stack, 'shop', body, DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET, {
    deliveryId,
    eventType,
  });
  expect(response.status).toBe(202);
  return deliveryId;
}

const eventsOf = (deliveryId: string) => mock.events().filter((e) => e.uniqueId?.includes(deliveryId));

describe('local pipeline: integers above 2^53', () => {
  it('an order and its line items reach Klaviyo with their exact ids and distinct unique ids', async () => {
    const order = await withIds('test/fixtures/presets/shopify/orders-create.json', [
      ['"id": 5820331950186', `"id": ${ORDER_ID}`],
      ['"id": 11001', `"id": ${LINE_ITEM_IDS[0]}`],
      ['"id": 11002', `"id": ${LINE_ITEM_IDS[1]}`],
      ['"id": 11003', `"id": ${LINE_ITEM_IDS[2]}`],
    ]);
    const deliveryId = await post(order, 'orders/create');

    const recorded = await waitFor('four events at the Klaviyo mock', () => {
      const events = eventsOf(deliveryId);
      return events.length === 4 && events;
    });
    expect(recorded.map((e) => [e.metric, e.uniqueId])).toEqual(
      expect.arrayContaining([
        ['Placed Order', `shop:${deliveryId}:placed_order`],
        ...LINE_ITEM_IDS.map((id) => ['Ordered Product', `shop:${deliveryId}:ordered_product:${id}`]),
      ]),
    );
    expect(recorded.find((e) => e.metric === 'Placed Order')?.properties.OrderId).toBe(ORDER_ID);
    const products = recorded.filter((e) => e.metric === 'Ordered Product');
    expect(products.map((e) => e.properties.OrderId)).toEqual([ORDER_ID, ORDER_ID, ORDER_ID]);
  });

  it('a refund is hydrated from a URL with the exact order id, and its ids reach Klaviyo exact', async () => {
    const refund = await withIds('test/fixtures/presets/shopify/refunds-create.json', [
      ['"order_id": 5820331950186', `"order_id": ${ORDER_ID}`],
      ['"id": 929361465', `"id": ${REFUND_ID}`],
    ]);
    const deliveryId = await post(refund, 'refunds/create');

    const [event] = await waitFor('the refund at the Klaviyo mock', () => {
      const events = eventsOf(deliveryId);
      return events.length === 1 && events;
    });
    expect(standInCalls).toContain(`/orders/${ORDER_ID}.json`);
    expect(event).toMatchObject({
      metric: 'Refunded Order',
      properties: { OrderId: ORDER_ID, RefundId: REFUND_ID },
    });
  });
});

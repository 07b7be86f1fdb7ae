// Several events from one webhook through local mode: an order with three line items becomes one Placed Order
// and three Ordered Product events at the Klaviyo mock, and the same delivery processed again (re-enqueued to
// hydrate, as an SQS redelivery would) adds nothing there — each event's unique_id is derived from the delivery.
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { klaviyoMockOf, startLocalStackWithDocument, postSigned } from '../helpers/local-stack.ts';
import { waitFor } from '../helpers/wait.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let order: Buffer;

beforeAll(async () => {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as {
    sources: Record<string, unknown>;
  };
  const mapping = JSON.parse(await readFile('samples/order-mapping.json', 'utf8')) as unknown;
  base.sources.orders = { kind: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }], mapping };
  ({ stack, dir } = await startLocalStackWithDocument(base));
  mock = klaviyoMockOf(stack);
  order = await readFile('samples/order-with-line-items.json');
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

const drained = () => waitFor('both stage queues to drain', () => stack.drained());

describe('local pipeline: one order webhook, several events', () => {
  it('records Placed Order and an Ordered Product per line item, and nothing new when the delivery is re-processed', async () => {
    const deliveryId = randomUUID();
    const response = await postSigned(stack, 'orders', order, DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET, {
      deliveryId,
    });
    expect(response.status).toBe(202);

    const recorded = await waitFor(
      'four events at the Klaviyo mock',
      () => mock.events().length === 4 && mock.events(),
    );
    expect(recorded.map((e) => [e.metric, e.uniqueId])).toEqual(
      expect.arrayContaining([
        ['Placed Order', `orders:${deliveryId}:order`],
        ['Ordered Product', `orders:${deliveryId}:item:9001`],
        ['Ordered Product', `orders:${deliveryId}:item:9002`],
        ['Ordered Product', `orders:${deliveryId}:item:9003`],
      ]),
    );
    const placed = recorded.find((e) => e.metric === 'Placed Order');
    expect(placed).toMatchObject({
      profile: { email: 'grace.hopper@example.com' },
      valueCurrency: 'EUR',
      properties: {
        OrderId: 5501,
        ItemNames: ['Red tee', 'Black mug', 'Blue cap'],
        $extra: { OrderName: '#5501' },
      },
    });
    expect(placed?.value).toBeCloseTo(97.4, 6);
    expect(placed?.properties.Items).toHaveLength(3);
    await drained();
    const sentBefore = mock.requests().filter((r) => r.status === 202).length;

    // The same delivery again, straight onto the hydrate queue: ingest's dedupe is not what stops it here.
    const again = webhookReceived({
      source: 'orders',
      id: deliveryId,
      eventType: 'orders/create',
      receivedAt: new Date().toISOString(),
      payload: JSON.parse(order.toString('utf8')) as unknown,
    });
    await stack.aws.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.aws.hydrate.url, MessageBody: encodeMessageBody(again) }),
    );
    // Deliver did send the four events again (Klaviyo accepts a repeat with 202) ...
    await waitFor(
      'the re-processed events at the mock',
      () => mock.requests().filter((r) => r.status === 202).length >= sentBefore + 4,
    );
    await drained();
    // ... and Klaviyo, keeping one event per unique_id, recorded nothing new.
    expect(mock.events()).toHaveLength(4);
  });
});

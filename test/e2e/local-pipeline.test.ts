// The whole relay through local mode: signed webhook in at the API Gateway stand-in, ingest, SQS, hydrate
// (calling the demo source API), SQS, deliver, and the Klaviyo mock that validates what it receives.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { klaviyoMockOf, postSigned } from '../helpers/local-stack.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let order: Buffer;

beforeAll(async () => {
  stack = await startLocalStack({ env: {}, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  mock = klaviyoMockOf(stack);
  order = await readFile('samples/demo-order.json');
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(() => {
  mock.reset();
});

async function sendDemo(body: Buffer, options: { deliveryId?: string; secret?: string } = {}) {
  const deliveryId = options.deliveryId ?? randomUUID();
  const secret = options.secret ?? DEV_SECRETS.DEMO_WEBHOOK_SECRET;
  const response = await postSigned(stack, 'demo', body, secret, { deliveryId });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, deliveryId };
}

const drained = () => waitFor('both stage queues to drain', () => stack.drained());

async function deadLetters(queueUrl: string) {
  const out = await stack.aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
  );
  return (out.Messages ?? []).map((m) => deadLetterV1Schema().parse(JSON.parse(m.Body ?? '')));
}

describe('local pipeline', () => {
  it('turns a thin order webhook into one hydrated, flattened Klaviyo event', async () => {
    const sent = await sendDemo(order);
    expect(sent).toMatchObject({ status: 202, body: { code: 'accepted' } });

    const [event, ...others] = await waitFor(
      'an event at the Klaviyo mock',
      () => mock.events().length > 0 && mock.events(),
    );
    expect(others).toHaveLength(0);
    expect(event).toMatchObject({
      metric: 'Placed Order',
      profile: { email: 'ada.lovelace@example.com', phone_number: '+15005550006', external_id: 'cus_1001' },
      uniqueId: `demo:${sent.deliveryId}`,
      properties: {
        id: '1001',
        customer: 'cus_1001',
        customer_first_name: 'Ada',
        customer_last_name: 'Lovelace',
        address_address1: '12 St James Square',
        address_city: 'London',
        address_zip: 'SW1Y 4JH',
        address_country_code: 'GB',
        products_count: 2,
        products_sku: ['TEE-RED-M', 'MUG-BLK'],
        products_quantity: [2, 1],
        products_price: [19.99, 12.5],
      },
    });
    // Every property is top-level and segmentable: a scalar or a list of scalars.
    for (const value of Object.values(event?.properties ?? {})) {
      expect(
        typeof value === 'object' ? (value as unknown[]).every((v) => typeof v !== 'object') : true,
      ).toBe(true);
    }
    expect(
      mock
        .requests()
        .filter((r) => r.path === '/api/events')
        .map((r) => r.status),
    ).toEqual([202]);
  });

  it('records one event when the sender delivers the same webhook twice', async () => {
    const first = await sendDemo(order);
    await waitFor('the first delivery', () => mock.events().length === 1);
    const again = await sendDemo(order, { deliveryId: first.deliveryId });
    expect(again).toMatchObject({ status: 200, body: { code: 'duplicate' } });
    await drained();
    expect(mock.events()).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and lets nothing through', async () => {
    const sent = await sendDemo(order, { secret: 'not-the-secret' });
    expect(sent).toMatchObject({ status: 401, body: { code: 'invalid_signature' } });
    await drained();
    expect(mock.requests()).toHaveLength(0);
  });

  it('waits Retry-After when Klaviyo answers 429, then delivers once', async () => {
    mock.inject({ status: 429, times: 1, retryAfter: 1, path: '/api/events' });
    const sent = await sendDemo(order);
    await waitFor('the retried delivery', () => mock.events().length === 1, { timeoutMs: 20_000 });
    const calls = mock.requests().filter((r) => r.path === '/api/events');
    expect(calls.map((r) => r.status)).toEqual([429, 202]);
    const [throttled, accepted] = calls.map((r) => Date.parse(r.at));
    expect((accepted ?? 0) - (throttled ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(mock.events()[0]?.uniqueId).toBe(`demo:${sent.deliveryId}`);
  });

  it('sends a permanent Klaviyo error to the deliver DLQ at once, with the reason', async () => {
    mock.inject({ status: 400, times: 1, path: '/api/events' });
    const sent = await sendDemo(order);
    const letters = await waitFor('a dead letter', () =>
      deadLetters(stack.aws.deliver.dlqUrl).then((l) => l.length > 0 && l),
    );
    expect(letters[0]).toMatchObject({ stage: 'deliver', reason: 'klaviyo_400' });
    expect(letters[0]?.original).toContain(sent.deliveryId);
    expect(mock.events()).toHaveLength(0);
  });

  it('delivers values holding U+FFFF, U+FFFE, emoji and lone surrogates, from the webhook and the source API, intact', async () => {
    // U+FFFF, U+FFFE and the emoji go raw (UTF-8); lone surrogates can only travel as \ud800-style escapes.
    const webhook = {
      id: '1002',
      note: 'a\uFFFFb\uFFFE',
      gift_message: 'Happy birthday 🎂',
      tag: 'x\uD800y\uDFFF',
      products: [{ sku: 'TEE-\uFFFF-😀', item_id: 7, quantity: 1, price: 5 }],
      customer: 'cus_1002',
    };
    const sent = await sendDemo(Buffer.from(JSON.stringify(webhook)));
    expect(sent).toMatchObject({ status: 202, body: { code: 'accepted' } });

    const [event, ...others] = await waitFor(
      'an event at the Klaviyo mock',
      () => mock.events().length > 0 && mock.events(),
    );
    expect(others).toHaveLength(0);
    expect(event).toMatchObject({
      uniqueId: `demo:${sent.deliveryId}`,
      profile: { email: 'zoe.unicode@example.com', external_id: 'cus_1002' },
    });
    const properties = event?.properties ?? {};
    expect({
      note: properties.note,
      gift_message: properties.gift_message,
      tag: properties.tag,
      products_sku: properties.products_sku,
      customer_first_name: properties.customer_first_name,
      customer_last_name: properties.customer_last_name,
      address_address1: properties.address_address1,
      address_city: properties.address_city,
      address_province: properties.address_province,
    }).toStrictEqual({
      note: 'a\uFFFFb\uFFFE',
      gift_message: 'Happy birthday 🎂',
      tag: 'x\uD800y\uDFFF',
      products_sku: ['TEE-\uFFFF-😀'],
      customer_first_name: 'Zoë 😀',
      customer_last_name: 'Noncharacter\uFFFF\uFFFE',
      address_address1: '1 Lone \uD800 Surrogate Lane',
      address_city: 'Zürich 🏔',
      address_province: 'Zürich\uDC00',
    });
    await drained();
    expect(mock.events()).toHaveLength(1);
  });

  it('sends an order whose customer id holds a lone surrogate to the hydrate DLQ at once, with the reason', async () => {
    const sent = await sendDemo(
      Buffer.from(JSON.stringify({ id: '9', products: [], customer: 'cus_\uD800' })),
    );
    expect(sent.status).toBe(202);
    const letter = await waitFor('its dead letter', () =>
      deadLetters(stack.aws.hydrate.dlqUrl).then((l) => l.find((d) => d.original.includes(sent.deliveryId))),
    );
    expect(letter).toMatchObject({ stage: 'hydrate', reason: 'hydration_input_malformed' });
    expect(letter).toMatchObject({ detail: { path: 'event.customer', value: '"cus_\\ud800"' } });
  });

  it('sends an order whose customer does not exist to the hydrate DLQ with the reason', async () => {
    const ghost = Buffer.from(JSON.stringify({ id: '9', products: [], customer: 'cus_missing' }));
    await sendDemo(ghost);
    const letters = await waitFor('a dead letter', () =>
      deadLetters(stack.aws.hydrate.dlqUrl).then((l) => l.length > 0 && l),
    );
    expect(letters[0]).toMatchObject({ stage: 'hydrate', reason: 'source_api_404' });
  });
});

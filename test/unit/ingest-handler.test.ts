// The ingest handler end to end against DynamoDB and SQS emulators: every answer it can give, and the
// guarantee that nothing invalid is enqueued and nothing valid is lost.
import { createHmac, randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { webhookReceivedV1Schema } from '../../functions/shared/stage/contracts.ts';
import { SHOPIFY_OLD_SECRET, SHOPIFY_SECRET, testConfig, testSecrets } from '../helpers/configs.ts';
import { httpEvent, testContext } from '../helpers/http-event.ts';
import { flakySqsClient, useLocalAws } from '../helpers/local-aws.ts';
import { localIngest } from '../helpers/local-ingest.ts';

const aws = useLocalAws();
const config = testConfig();

function ingest(sqs?: SQSClient, logger?: Logger) {
  return localIngest(aws(), config, testSecrets, { sqs, logger });
}

const order = { id: 1, email: 'ada@example.com', line_items: [{ sku: 'A', quantity: 1 }] };
function shopifyRequest(
  options: {
    body?: Buffer | string;
    secret?: string;
    eventId?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const body = Buffer.from(options.body ?? JSON.stringify(order));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': createHmac('sha256', options.secret ?? SHOPIFY_SECRET)
        .update(body)
        .digest('base64'),
      'x-shopify-event-id': options.eventId ?? randomUUID(),
      'x-shopify-topic': 'orders/create',
      ...options.headers,
    },
  };
}

async function send(
  request: { body: Buffer; headers: Record<string, string> },
  extra: { source?: string; base64?: boolean; sqs?: SQSClient; logger?: Logger } = {},
) {
  // API Gateway base64-encodes what is not UTF-8 text; do the same, or the bytes would not survive.
  const isText = Buffer.from(request.body.toString('utf8')).equals(request.body);
  const event = httpEvent({
    source: extra.source ?? 'shop',
    body: request.body,
    headers: request.headers,
    base64: extra.base64 ?? !isText,
  });
  const result = await ingest(extra.sqs, extra.logger)(event, testContext());
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
}

async function drainHydrateQueue(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await aws().sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws().hydrate.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!out.Messages?.length) return bodies;
    for (const m of out.Messages) {
      bodies.push(m.Body ?? '');
      await aws().sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws().hydrate.url, ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
}

describe('ingest', () => {
  beforeEach(async () => {
    await drainHydrateQueue();
  });

  it('accepts a genuine webhook with 202 and enqueues one contract-valid message', async () => {
    const request = shopifyRequest({ eventId: 'evt-accept' });
    const answer = await send(request);
    expect(answer).toMatchObject({
      status: 202,
      body: { code: 'accepted', delivery_id: 'evt-accept', request_id: 'req-test' },
    });
    const [body, ...rest] = await drainHydrateQueue();
    expect(rest).toHaveLength(0);
    const message = webhookReceivedV1Schema().parse(JSON.parse(body ?? ''));
    expect(message).toMatchObject({
      correlation_id: 'shop:evt-accept',
      event_type: 'orders/create',
      meta: { topic: 'orders/create' },
      payload: order,
    });
  });

  it('logs the correlation id hydrate and deliver log for the same webhook', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const logger = new Logger({ logLevel: 'INFO', persistentKeys: { function: 'ingest' } });
      expect((await send(shopifyRequest({ eventId: 'evt-trace' }), { logger })).status).toBe(202);
    } finally {
      write.mockRestore();
    }
    const handled = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'webhook handled');
    expect(handled).toMatchObject({ correlation_id: 'shop:evt-trace', event_count: 1 });
    expect(handled).not.toHaveProperty('delivery_id');
  });

  it('logs a rejected request under the correlation id its headers claim, marked unverified', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const logger = new Logger({ logLevel: 'INFO', persistentKeys: { function: 'ingest' } });
      const forged = shopifyRequest({ eventId: 'evt-forged', secret: 'not-the-secret' });
      expect((await send(forged, { logger })).status).toBe(401);
    } finally {
      write.mockRestore();
    }
    const rejected = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'rejected');
    expect(rejected).toMatchObject({
      correlation_id: 'shop:evt-forged',
      verified: false,
      reason: 'invalid_signature',
    });
  });

  it('answers a redelivery 200 as a duplicate and does not enqueue it again', async () => {
    const request = shopifyRequest({ eventId: 'evt-dup' });
    expect((await send(request)).status).toBe(202);
    expect(await send(request)).toMatchObject({
      status: 200,
      body: { code: 'duplicate', duplicates: ['evt-dup'] },
    });
    expect(await drainHydrateQueue()).toHaveLength(1);
  });

  it('accepts a webhook signed with the previous secret during rotation', async () => {
    expect((await send(shopifyRequest({ secret: SHOPIFY_OLD_SECRET }))).status).toBe(202);
  });

  it('verifies the decoded bytes when API Gateway base64-encoded the body', async () => {
    expect((await send(shopifyRequest(), { base64: true })).status).toBe(202);
  });

  it.each([
    ['a wrong signature', shopifyRequest({ secret: 'not-the-secret' }), 401, 'invalid_signature'],
    ['no signature', shopifyRequest({ headers: { 'x-shopify-hmac-sha256': '' } }), 401, 'missing_signature'],
    ['malformed JSON', shopifyRequest({ body: '{"id": 1,' }), 400, 'malformed_json'],
    [
      'a body that is not UTF-8',
      shopifyRequest({ body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
      400,
      'invalid_encoding',
    ],
    [
      'a body over the limit',
      shopifyRequest({ body: JSON.stringify({ pad: 'x'.repeat(5000) }) }),
      413,
      'body_too_large',
    ],
    [
      'a form-encoded body',
      shopifyRequest({ body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'unsupported_media_type',
    ],
    [
      'JSON nested too deep',
      shopifyRequest({ body: '['.repeat(100) + ']'.repeat(100) }),
      400,
      'too_deeply_nested',
    ],
    ['no delivery id', shopifyRequest({ headers: { 'x-shopify-event-id': '' } }), 400, 'missing_delivery_id'],
  ])('refuses %s and enqueues nothing', async (_name, request, status, code) => {
    const answer = await send(request);
    expect(answer).toMatchObject({ status, body: { code, request_id: 'req-test' } });
    expect(typeof answer.body.message).toBe('string');
    expect(await drainHydrateQueue()).toHaveLength(0);
  });

  it('answers 404 for a source that is not configured', async () => {
    expect(await send(shopifyRequest(), { source: 'nope' })).toMatchObject({
      status: 404,
      body: { code: 'unknown_source' },
    });
  });

  it('never echoes a secret in an error', async () => {
    const answer = await send(shopifyRequest({ secret: 'wrong' }));
    expect(JSON.stringify(answer.body)).not.toContain(SHOPIFY_SECRET);
  });

  it('loses nothing when the enqueue fails: 503, then the sender’s retry is accepted', async () => {
    const flaky = flakySqsClient(aws().sqsEndpoint, 1);
    const request = shopifyRequest({ eventId: 'evt-flaky' });
    expect(await send(request, { sqs: flaky })).toMatchObject({
      status: 503,
      body: { code: 'enqueue_failed', failed: ['evt-flaky'] },
    });
    expect(await drainHydrateQueue()).toHaveLength(0);
    expect(await send(request, { sqs: flaky })).toMatchObject({
      status: 202,
      body: { accepted: ['evt-flaky'] },
    });
    expect(await drainHydrateQueue()).toHaveLength(1);
  });
});

describe('ingest: integers above 2^53', () => {
  it('keeps their digits in the delivery id read from the body and in the payload it enqueues', async () => {
    const withIdPath = testConfig({
      sources: {
        app: {
          kind: 'generic-hmac',
          secrets: [{ env: 'GENERIC_SECRET' }],
          signature: { header: 'x-signature' },
          delivery_id: { path: 'id' },
        },
      },
    });
    const handler = localIngest(aws(), withIdPath, testSecrets);
    // Written as JSON numbers: a JavaScript number could not hold them.
    const body = Buffer.from(
      '{"id":820982911946154508,"items":[{"id":9007199254740993},{"id":9007199254740995}]}',
    );
    const signature = createHmac('sha256', testSecrets.GENERIC_SECRET).update(body).digest('hex');
    const event = httpEvent({
      source: 'app',
      body,
      headers: { 'content-type': 'application/json', 'x-signature': signature },
    });
    const result = await handler(event, testContext());
    expect(result.statusCode).toBe(202);
    const [enqueued] = await drainHydrateQueue();
    expect(JSON.parse(enqueued ?? '')).toMatchObject({
      delivery_id: '820982911946154508',
      payload: { id: '820982911946154508', items: [{ id: '9007199254740993' }, { id: '9007199254740995' }] },
    });
  });
});

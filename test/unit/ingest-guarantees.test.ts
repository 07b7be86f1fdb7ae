// The ingest handler's guarantees for the new kinds, against the DynamoDB and SQS emulators: Klaviyo
// batches deduped per event, replays refused or answered as duplicates, pings answered without
// enqueueing, oversized events refused before anything is claimed, and secrets kept out of logs.
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { webhookReceivedV1Schema, type WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { relayConfigSchema, type SourceConfig } from '../../functions/shared/config/relay-config.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { httpEvent, testContext } from '../helpers/http-event.ts';
import { flakySqsClient, useLocalAws } from '../helpers/local-aws.ts';
import { localIngest } from '../helpers/local-ingest.ts';

const aws = useLocalAws();
const secrets = {
  KLAVIYO_SECRET: 'klaviyo-webhook-secret-0001',
  STRIPE_SECRET: 'whsec_stripe_test_secret',
  WOO_SECRET: 'woo-secret',
  TOKEN_SECRET: 'token-secret-value-7f3a9c',
  KLAVIYO_API_KEY: 'pk_test',
};
const config = relayConfigSchema().parse({
  version: 1,
  sources: {
    klaviyo: { kind: 'klaviyo', secrets: [{ env: 'KLAVIYO_SECRET' }] },
    stripe: { kind: 'stripe', secrets: [{ env: 'STRIPE_SECRET' }] },
    woo: { kind: 'woocommerce', secrets: [{ env: 'WOO_SECRET' }], max_body_bytes: 2 * 1024 * 1024 },
    tok: { kind: 'token', secrets: [{ env: 'TOKEN_SECRET' }], delivery_id: { header: 'x-id' } },
  },
  klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
  ingest: { max_body_bytes: 64 * 1024 },
});
const sourceNamed = (name: string): SourceConfig => {
  const source = config.sources[name];
  if (!source) throw new Error(`no source ${name}`);
  return source;
};

let logger: Logger | undefined;
function handler(sqs?: SQSClient) {
  return localIngest(aws(), config, secrets, { sqs, logger });
}

async function send(
  source: string,
  body: Buffer,
  headers: Record<string, string>,
  options: { sqs?: SQSClient } = {},
) {
  const result = await handler(options.sqs)(httpEvent({ source, body, headers }), testContext());
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
}

async function drain(): Promise<WebhookReceivedV1[]> {
  const messages: WebhookReceivedV1[] = [];
  for (;;) {
    const out = await aws().sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws().hydrate.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!out.Messages?.length) return messages;
    for (const m of out.Messages) {
      messages.push(webhookReceivedV1Schema().parse(JSON.parse(m.Body ?? '')));
      await aws().sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws().hydrate.url, ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
}

function klaviyoBody(ids: string[], webhookId = 'wh-1') {
  return Buffer.from(
    JSON.stringify({
      data: ids.map((id, i) => ({
        external_id: id,
        topic: i % 2 ? 'event:klaviyo.opened_email' : 'event:klaviyo.sent_sms',
        payload: { data: { type: 'event', id } },
      })),
      meta: { klaviyo_webhook_id: webhookId, klaviyo_account_id: 'abc123' },
    }),
  );
}
const klaviyoHeaders = (body: Buffer, atMs?: number) =>
  signedHeaders(
    sourceNamed('klaviyo'),
    body,
    secrets.KLAVIYO_SECRET,
    atMs === undefined ? {} : { timestampMs: atMs },
  );

beforeEach(async () => {
  await drain();
});

describe('klaviyo system webhooks through the handler', () => {
  it('enqueues each event of a batch once, marked origin=klaviyo; a resent batch is a duplicate', async () => {
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const body = klaviyoBody(ids);
    const first = await send('klaviyo', body, klaviyoHeaders(body));
    expect(first).toMatchObject({ status: 202, body: { code: 'accepted' } });
    const messages = await drain();
    expect(messages.map((m) => m.delivery_id).sort()).toEqual([...ids].sort());
    expect(messages.every((m) => m.meta.origin === 'klaviyo')).toBe(true);

    expect(await send('klaviyo', body, klaviyoHeaders(body))).toMatchObject({
      status: 200,
      body: { code: 'duplicate' },
    });
    expect(await drain()).toHaveLength(0);

    // Klaviyo may regroup: a batch with some old and some new events enqueues only the new ones.
    const fresh = [randomUUID(), randomUUID()];
    const mixed = klaviyoBody([...ids.slice(0, 10), ...fresh]);
    expect((await send('klaviyo', mixed, klaviyoHeaders(mixed))).body).toMatchObject({ accepted: fresh });
    expect((await drain()).map((m) => m.delivery_id).sort()).toEqual(fresh.sort());
  });

  it('refuses a stale request with 401 stale_timestamp, saying so, and enqueues nothing', async () => {
    const body = klaviyoBody([randomUUID()]);
    const answer = await send('klaviyo', body, klaviyoHeaders(body, Date.now() - 10 * 60_000));
    expect(answer).toMatchObject({ status: 401, body: { code: 'stale_timestamp' } });
    expect(answer.body.message).toMatch(/tolerance is 300 s.*replay/);
    expect(await drain()).toHaveLength(0);
  });

  it('refuses a body whose webhook id does not match the header', async () => {
    const body = klaviyoBody([randomUUID()], 'wh-from-body');
    const headers = { ...klaviyoHeaders(body), 'klaviyo-webhook-id': 'wh-other' };
    expect(await send('klaviyo', body, headers)).toMatchObject({
      status: 401,
      body: { code: 'webhook_id_mismatch' },
    });
    expect(await drain()).toHaveLength(0);
  });

  it('loses nothing of a batch when the enqueue fails: 503, then the retry enqueues every event', async () => {
    const flaky = flakySqsClient(aws().sqsEndpoint, 2);
    const ids = Array.from({ length: 35 }, () => randomUUID());
    const body = klaviyoBody(ids);
    const first = await send('klaviyo', body, klaviyoHeaders(body), { sqs: flaky });
    expect(first).toMatchObject({ status: 503, body: { code: 'enqueue_failed' } });
    const enqueuedFirst = await drain();
    expect((first.body.failed as string[]).length + enqueuedFirst.length).toBe(35);
    const retry = await send('klaviyo', body, klaviyoHeaders(body), { sqs: flaky });
    expect(retry.status).toBe(202);
    const all = [...enqueuedFirst, ...(await drain())].map((m) => m.delivery_id);
    expect(all.sort()).toEqual([...ids].sort());
  });
});

describe('other guarantees', () => {
  it('stripe: accepted once, a replay inside the dedupe window is a duplicate', async () => {
    const body = Buffer.from(JSON.stringify({ id: `evt_${randomUUID()}`, type: 'charge.succeeded' }));
    const headers = signedHeaders(sourceNamed('stripe'), body, secrets.STRIPE_SECRET);
    expect((await send('stripe', body, headers)).status).toBe(202);
    expect(await send('stripe', body, headers)).toMatchObject({ status: 200, body: { code: 'duplicate' } });
    expect(await drain()).toHaveLength(1);
  });

  it('woocommerce: the form-encoded ping is answered 200 and never enqueued', async () => {
    const answer = await send('woo', Buffer.from('webhook_id=17'), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer).toMatchObject({ status: 200, body: { code: 'ping', request_id: 'req-test' } });
    // Any other form body is still a 401 (unsigned) and never reaches the parser or the queue.
    expect(
      (
        await send('woo', Buffer.from('webhook_id=17&x=1'), {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(401);
    expect(await drain()).toHaveLength(0);
  });

  it('refuses an event too large for a queue message with 413 before claiming it', async () => {
    const deliveryId = randomUUID();
    const huge = Buffer.from(JSON.stringify({ id: 1, pad: 'x'.repeat(1_100_000) }));
    const sign = (b: Buffer) => signedHeaders(sourceNamed('woo'), b, secrets.WOO_SECRET, { deliveryId });
    expect(await send('woo', huge, sign(huge))).toMatchObject({
      status: 413,
      body: { code: 'event_too_large' },
    });
    // Nothing was claimed: the same delivery id, trimmed by the sender, goes through.
    const small = Buffer.from(JSON.stringify({ id: 1 }));
    expect((await send('woo', small, sign(small))).status).toBe(202);
    expect(await drain()).toHaveLength(1);
  });

  it('enqueues an event whose strings hold U+FFFF, U+FFFE, an emoji and a lone surrogate, exactly', async () => {
    const deliveryId = randomUUID();
    const payload = {
      id: 1,
      note: 'a\uFFFFb\uFFFE',
      customer: { name: 'Zoë 😀', nick: 'x\uD800y', '\uFFFF key': '\uDC00' },
    };
    // The lone surrogates travel as \ud800 escapes (UTF-8 cannot carry them); U+FFFF, U+FFFE and the emoji raw.
    const body = Buffer.from(JSON.stringify(payload));
    expect(body.includes(Buffer.from('\uFFFF'))).toBe(true);
    const sign = (b: Buffer) => signedHeaders(sourceNamed('woo'), b, secrets.WOO_SECRET, { deliveryId });
    expect(await send('woo', body, sign(body))).toMatchObject({ status: 202, body: { code: 'accepted' } });
    const [message, ...others] = await drain();
    expect(others).toHaveLength(0);
    expect(message?.payload).toStrictEqual(payload);
  });

  it('enqueues events whose delivery ids hold U+FFFF, U+FFFE, an emoji or a lone surrogate', async () => {
    // Klaviyo system webhooks take each event's delivery id from the body (external_id): any JSON string.
    const ids = [
      `a\uFFFF-${randomUUID()}`,
      `b\uFFFE-${randomUUID()}`,
      `c😀-${randomUUID()}`,
      `d\uD800-${randomUUID()}`,
    ];
    const body = klaviyoBody(ids);
    expect(await send('klaviyo', body, klaviyoHeaders(body))).toMatchObject({
      status: 202,
      body: { code: 'accepted' },
    });
    const messages = await drain();
    expect(messages.map((m) => m.delivery_id).sort()).toEqual([...ids].sort());
    expect(await send('klaviyo', body, klaviyoHeaders(body))).toMatchObject({
      status: 200,
      body: { code: 'duplicate' },
    });
  });

  it('counts the encoded size of a message against the limit: 413, not a 503 on every retry', async () => {
    const deliveryId = randomUUID();
    // 600,000 bytes of UTF-8, 1,200,000 once each U+FFFF (3 bytes) is written as a 6-byte \uffff escape.
    const body = Buffer.from(JSON.stringify({ id: 1, pad: '\uFFFF'.repeat(200_000) }));
    expect(body.length).toBeLessThan(1_048_576); // the raw body fits a 1 MiB queue; its encoding does not
    const sign = (b: Buffer) => signedHeaders(sourceNamed('woo'), b, secrets.WOO_SECRET, { deliveryId });
    const answer = await send('woo', body, sign(body));
    expect(answer).toMatchObject({ status: 413, body: { code: 'event_too_large' } });
    expect(answer.body.message).toMatch(/makes a 12\d{5}-byte message/);
    expect(await drain()).toHaveLength(0);
  });

  it('refuses a delivery id longer than the message contract allows with 400', async () => {
    const body = Buffer.from('{}');
    const headers = {
      ...signedHeaders(sourceNamed('tok'), body, secrets.TOKEN_SECRET),
      'x-id': 'd'.repeat(600),
    };
    expect(await send('tok', body, headers)).toMatchObject({
      status: 400,
      body: { code: 'invalid_delivery_id' },
    });
  });

  it('applies the source’s own body limit', async () => {
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
    const headers = signedHeaders(sourceNamed('tok'), body, secrets.TOKEN_SECRET);
    expect(await send('tok', body, headers)).toMatchObject({ status: 413, body: { code: 'body_too_large' } });
  });
});

describe('secrets stay out of answers and logs', () => {
  let written: string[] = [];
  beforeEach(() => {
    written = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    // Tests run with logging silenced; this one needs every line the handler writes.
    logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
  });
  afterEach(() => {
    logger = undefined;
    vi.restoreAllMocks();
  });

  it('for accepted and refused requests alike, including a near-miss token', async () => {
    const body = Buffer.from('{"a":1}');
    const tok = sourceNamed('tok');
    const good = signedHeaders(tok, body, secrets.TOKEN_SECRET);
    const nearMiss = { ...good, authorization: `Bearer ${secrets.TOKEN_SECRET}x` };
    const answers = [
      await send('tok', body, good),
      await send('tok', body, nearMiss),
      await send('klaviyo', body, { 'klaviyo-signature': 'ab', 'klaviyo-timestamp': 'now' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([202, 401, 401]);
    const everything = JSON.stringify(answers) + written.join('');
    expect(written.join('')).toContain('"outcome":"accepted"');
    for (const value of Object.values(secrets)) expect(everything).not.toContain(value);
  });
});

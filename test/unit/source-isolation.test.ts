// One source whose part of the configuration document is invalid never stops the others
// (docs/adr/0025-configuration-layout-and-source-isolation.md): the handlers read the document with their own
// loader, the good source's webhooks go through, the bad source's wait — deferred by hydrate, 503 with
// Retry-After from ingest — and none is dead-lettered; once the document is fixed they are delivered.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { httpEvent, testContext } from '../helpers/http-event.ts';
import { sqsRecord, stageMessageRecord } from '../helpers/sqs-record.ts';
import { eventFixture, webhookReceived } from '../helpers/stage-messages.ts';

const QUEUES = {
  HYDRATE_QUEUE_URL: 'http://sqs.local/000000000000/hydrate',
  HYDRATE_DLQ_URL: 'http://sqs.local/000000000000/hydrate-dlq',
  DELIVER_QUEUE_URL: 'http://sqs.local/000000000000/deliver',
};

/** Two shopify sources; `bad`'s filter is given as written (a JSONata syntax error until fixed). */
function documentWith(badFilter: string): string {
  return JSON.stringify({
    version: 1,
    sources: {
      good: { kind: 'shopify', secrets: [{ env: 'S' }] },
      bad: { kind: 'shopify', secrets: [{ env: 'S' }], mapping: { filter: { expr: badFilter } } },
    },
    klaviyo: { api_key: { env: 'K' } },
  });
}

async function configFile(text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'isolation-')), 'relay.json');
  await writeFile(file, text);
  return file;
}

interface Sent {
  queueUrl: string;
  body: string;
  delaySeconds?: number;
  attributes?: Attributes;
}
type Attributes = Record<string, { DataType?: string; StringValue?: string }>;

/** An SQS client that records what is sent to which queue. */
function recordingSqs() {
  const sent: Sent[] = [];
  const client = {
    send: (command: { input: Record<string, unknown> }) => {
      const input = command.input;
      const queueUrl = String(input.QueueUrl);
      if (typeof input.MessageBody === 'string')
        sent.push({
          queueUrl,
          body: input.MessageBody,
          ...(typeof input.DelaySeconds === 'number' && { delaySeconds: input.DelaySeconds }),
          ...(input.MessageAttributes !== undefined && {
            attributes: input.MessageAttributes as Attributes,
          }),
        });
      for (const entry of (input.Entries ?? []) as { Id: string; MessageBody?: string }[])
        if (entry.MessageBody !== undefined) sent.push({ queueUrl, body: entry.MessageBody });
      return Promise.resolve({ Successful: [], Failed: [] });
    },
  };
  return { sqs: client as unknown as SQSClient, sent };
}

function webhook(source: string, id: string): SQSRecord {
  const message = webhookReceived({
    source,
    id,
    eventType: 'orders/create',
    receivedAt: '2026-12-07T10:00:00.000Z',
    payload: { id: 1, email: 'ada@example.com', total_price: '10.00' },
  });
  return stageMessageRecord(id, message, 'hydrate');
}

const hydrateWith = (file: string, sqs: SQSClient) =>
  createHydrateHandler({
    env: { ...QUEUES, MAX_RECEIVE_COUNT: '5', RELAY_CONFIG_FILE: file },
    sqs,
    resolveSecret: () => Promise.resolve('secret'),
  });

const correlationsOn = (sent: Sent[], queueUrl: string) =>
  sent
    .filter((s) => s.queueUrl === queueUrl)
    .map((s) => (JSON.parse(s.body) as { correlation_id: string }).correlation_id);

describe('a source whose part of the configuration is invalid', () => {
  it('hydrate delivers the good source, defers the bad one (no DLQ), and delivers it once fixed', async () => {
    const file = await configFile(documentWith('$contains(event.email, '));
    const { sqs, sent } = recordingSqs();
    const out = await hydrateWith(file, sqs)(
      { Records: [webhook('good', 'g1'), webhook('bad', 'b1')] } satisfies SQSEvent,
      lambdaContext('hydrate', 'ctx-isolation', 30_000),
    );

    expect(out.batchItemFailures).toEqual([]);
    expect(correlationsOn(sent, QUEUES.DELIVER_QUEUE_URL)).toContain('good:g1');
    expect(correlationsOn(sent, QUEUES.DELIVER_QUEUE_URL)).not.toContain('bad:b1');
    expect(sent.filter((s) => s.queueUrl === QUEUES.HYDRATE_DLQ_URL)).toEqual([]);
    const deferred = sent.filter((s) => s.queueUrl === QUEUES.HYDRATE_QUEUE_URL);
    expect(deferred.map((s) => JSON.parse(s.body) as { correlation_id: string })).toMatchObject([
      { correlation_id: 'bad:b1' },
    ]);
    // A wait, not a failure: the copy carries no failed attempt, and comes back after a while.
    expect(deferred[0]?.delaySeconds).toBeGreaterThanOrEqual(60);
    expect(deferred[0]?.attributes?.relay_failed_attempts?.StringValue).toBe('0');

    // The document is fixed; the deferred copy comes back (to a new instance, as after the loader's reread).
    await writeFile(file, documentWith('$contains(event.email, "@")'));
    const later = recordingSqs();
    const copy = deferred[0];
    if (!copy) throw new Error('nothing was deferred');
    const back = await hydrateWith(file, later.sqs)(
      {
        Records: [
          sqsRecord({
            id: 'b1-copy',
            body: copy.body,
            queue: 'hydrate',
            messageAttributes: Object.fromEntries(
              Object.entries(copy.attributes ?? {}).map(([k, v]) => [
                k,
                { dataType: v.DataType ?? 'String', stringValue: v.StringValue ?? '' },
              ]),
            ),
          }),
        ],
      },
      lambdaContext('hydrate', 'ctx-isolation-fixed', 30_000),
    );
    expect(back.batchItemFailures).toEqual([]);
    expect(correlationsOn(later.sent, QUEUES.DELIVER_QUEUE_URL)).toContain('bad:b1');
  });

  it('ingest answers the good source as before and 503 with Retry-After for one it cannot verify', async () => {
    // `bad` names no signature header: ingest cannot verify its webhooks, so the sender is asked to retry.
    const file = await configFile(
      JSON.stringify({
        version: 1,
        sources: {
          good: { kind: 'shopify', secrets: [{ env: 'S' }] },
          bad: { kind: 'generic-hmac', secrets: [{ env: 'S' }] },
        },
        klaviyo: { api_key: { env: 'K' } },
      }),
    );
    const ingest = createIngestHandler({
      env: {
        RELAY_CONFIG_FILE: file,
        DEDUPE_TABLE_NAME: 'dedupe',
        HYDRATE_QUEUE_URL: QUEUES.HYDRATE_QUEUE_URL,
      },
      sqs: recordingSqs().sqs,
      dynamodb: { send: () => Promise.reject(new Error('not reached')) } as unknown as DynamoDBClient,
      resolveSecret: () => Promise.resolve('secret'),
    });
    const request = (source: string) =>
      httpEvent({
        source,
        body: Buffer.from('{"id":1}'),
        headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': 'not-the-signature' },
      });

    const good = await ingest(request('good'), testContext());
    expect(good.statusCode).toBe(401); // verified (and refused): its part was read
    const bad = await ingest(request('bad'), testContext());
    expect(bad.statusCode).toBe(503);
    expect(JSON.parse(bad.body ?? '{}')).toMatchObject({ code: 'source_config_invalid' });
    expect(Number(bad.headers?.['retry-after'])).toBeGreaterThan(0);
    const unknown = await ingest(request('nobody'), testContext());
    expect(unknown.statusCode).toBe(404);
  });

  it('deliver keeps delivering while a source part is refused (it reads no source)', async () => {
    const file = await configFile(
      JSON.stringify({
        version: 1,
        sources: {
          good: { kind: 'shopify', secrets: [{ env: 'S' }] },
          bad: { kind: 'generic-hmac', secrets: [{ env: 'S' }] },
        },
        klaviyo: { api_key: { env: 'K' }, base_url: 'http://klaviyo.test/' },
      }),
    );
    const urls: string[] = [];
    const deliver = createDeliverHandler({
      env: {
        RELAY_CONFIG_FILE: file,
        K: 'pk_test',
        DELIVER_QUEUE_URL: QUEUES.DELIVER_QUEUE_URL,
        DELIVER_DLQ_URL: 'http://sqs.local/000000000000/deliver-dlq',
        MAX_RECEIVE_COUNT: '5',
      },
      sqs: recordingSqs().sqs,
      resolveSecret: () => Promise.resolve('pk_test'),
      fetch: (url) => {
        urls.push(url as string);
        return Promise.resolve(new Response(null, { status: 202 }));
      },
    });
    const out = await deliver(
      { Records: [sqsRecord({ id: 'd1', body: JSON.stringify(eventFixture(1)), queue: 'deliver' })] },
      lambdaContext('deliver', 'ctx-isolation-deliver', 30_000),
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(urls).toEqual(['http://klaviyo.test/api/events']);
  });
});

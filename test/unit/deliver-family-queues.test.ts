// One deliver function consumes every family's deliver queue: a record's retry, deferred copy and dead letter go to
// the queue pair it came from (its eventSourceARN's queue name; unknown → the events pair), and a bad
// DELIVER_QUEUE_URLS / DELIVER_DLQ_URLS stops it at cold start (docs/adr/0036-a-deliver-queue-per-family.md).
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { DELIVER_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { testContext } from '../helpers/http-event.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

const ACCOUNT = 'http://sqs.local/000000000000';
const FAMILY_QUEUES = {
  DELIVER_QUEUE_URLS: JSON.stringify({
    consent: `${ACCOUNT}/relay-deliver-consent`,
    catalog: `${ACCOUNT}/relay-deliver-catalog`,
  }),
  DELIVER_DLQ_URLS: JSON.stringify({
    consent: `${ACCOUNT}/relay-deliver-consent-dlq`,
    catalog: `${ACCOUNT}/relay-deliver-catalog-dlq`,
  }),
};

interface Sent {
  command: string;
  queueUrl: string;
  entries: { MessageBody?: string; DelaySeconds?: number; ReceiptHandle?: string }[];
}

function recordingSqs() {
  const sent: Sent[] = [];
  const client = {
    send: (command: {
      constructor: { name: string };
      input: { QueueUrl: string; Entries?: Sent['entries'] };
    }) => {
      sent.push({
        command: command.constructor.name,
        queueUrl: command.input.QueueUrl,
        entries: command.input.Entries ?? [],
      });
      return Promise.resolve({ Failed: [], Successful: [] });
    },
  } as unknown as SQSClient;
  return { client, sent };
}

function deliverWith(env: Record<string, string>, status = 202) {
  const { client, sent } = recordingSqs();
  const handler = createDeliverHandler({
    env: { ...DELIVER_QUEUES_ENV, ...env },
    sqs: client,
    fetch: () => Promise.resolve(new Response(null, { status })),
    loadConfig: () =>
      Promise.resolve(
        relayConfigSchema().parse({ version: 1, sources: {}, klaviyo: { api_key: { env: 'K' } } }),
      ),
    resolveSecret: () => Promise.resolve('key'),
    backoff: () => 7,
  });
  const run = (...records: SQSRecord[]) => handler({ Records: records }, testContext('deliver'));
  return { run, sent };
}

const record = (id: string, body: unknown, queue: string, failedBefore?: number) =>
  sqsRecord({
    id,
    body: JSON.stringify(body),
    queue,
    messageAttributes: {
      correlation_id: { stringValue: `demo:${id}`, dataType: 'String' },
      ...(failedBefore === undefined
        ? {}
        : { relay_failed_attempts: { stringValue: String(failedBefore), dataType: 'Number' } }),
    },
  });

// A kind this deliver does not know yet: deferred (re-sent with a delay to the queue it came from).
const unknownKind = { ...consentFixture('later'), version: 9 };
const invalidConsent = { ...consentFixture('bad'), consent: 'maybe' };

describe('deliver and the deliver queue per family', () => {
  it("defers a record from the consent queue onto the consent queue, and one from the events queue onto events'", async () => {
    const { run, sent } = deliverWith(FAMILY_QUEUES);
    const out = await run(
      record('c1', unknownKind, 'relay-deliver-consent'),
      record('e1', unknownKind, 'deliver'),
    );
    expect(out.batchItemFailures).toEqual([]);
    const copies = sent.filter((s) => s.command === 'SendMessageBatchCommand');
    expect(copies.map((s) => [s.queueUrl, s.entries.length]).sort()).toEqual([
      [`${ACCOUNT}/deliver`, 1],
      [`${ACCOUNT}/relay-deliver-consent`, 1],
    ]);
    expect(copies.every((s) => (s.entries[0]?.DelaySeconds ?? 0) > 0)).toBe(true);
  });

  it('dead-letters a record from the consent queue to the consent DLQ', async () => {
    const { run, sent } = deliverWith(FAMILY_QUEUES);
    const out = await run(record('c2', invalidConsent, 'relay-deliver-consent'));
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.queueUrl)).toEqual([`${ACCOUNT}/relay-deliver-consent-dlq`]);
    const letter = deadLetterV1Schema().parse(JSON.parse(sent[0]?.entries[0]?.MessageBody ?? '{}'));
    expect(letter.reason).toBe('contract_violation');
  });

  it("sends the last allowed receive's letter to the record's own DLQ too", async () => {
    const { run, sent } = deliverWith(FAMILY_QUEUES);
    await run(record('c3', unknownKind, 'relay-deliver-consent', 4));
    expect(sent.map((s) => s.queueUrl)).toEqual([`${ACCOUNT}/relay-deliver-consent-dlq`]);
  });

  it('delays a retry on the queue the record came from (its receipt handle is that queue’s)', async () => {
    const { run, sent } = deliverWith(FAMILY_QUEUES, 503);
    const out = await run(
      record('e2', eventFixture(2), 'relay-deliver-catalog'),
      record('e3', eventFixture(3), 'deliver'),
    );
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['e2', 'e3']);
    const delays = sent.filter((s) => s.command === 'ChangeMessageVisibilityBatchCommand');
    expect(delays.map((s) => [s.queueUrl, s.entries.map((e) => e.ReceiptHandle)]).sort()).toEqual([
      [`${ACCOUNT}/deliver`, ['rh-e3']],
      [`${ACCOUNT}/relay-deliver-catalog`, ['rh-e2']],
    ]);
  });

  it('uses the events pair for a record from a queue it does not know', async () => {
    const { run, sent } = deliverWith(FAMILY_QUEUES);
    await run(
      record('x1', invalidConsent, 'some-other-queue'),
      record('x2', unknownKind, 'some-other-queue'),
    );
    expect(sent.map((s) => s.queueUrl).sort()).toEqual([
      DELIVER_QUEUES_ENV.DELIVER_QUEUE_URL,
      DELIVER_QUEUES_ENV.DELIVER_DLQ_URL,
    ]);
  });

  it.each([
    ['DELIVER_QUEUE_URLS is not JSON', { DELIVER_QUEUE_URLS: 'consent=x' }, /DELIVER_QUEUE_URLS is not JSON/],
    [
      'DELIVER_DLQ_URLS names an unknown family',
      { DELIVER_DLQ_URLS: JSON.stringify({ orders: `${ACCOUNT}/x` }) },
      /DELIVER_DLQ_URLS names an unknown deliver family "orders"/,
    ],
    [
      'a URL is not one',
      { ...FAMILY_QUEUES, DELIVER_DLQ_URLS: JSON.stringify({ consent: 42, catalog: `${ACCOUNT}/c` }) },
      /DELIVER_DLQ_URLS: the URL of consent is not an http\(s\) URL: 42/,
    ],
    [
      'a family has a queue without a DLQ',
      { DELIVER_QUEUE_URLS: JSON.stringify({ consent: `${ACCOUNT}/relay-deliver-consent` }) },
      /deliver family consent has a queue in DELIVER_QUEUE_URLS but no DLQ in DELIVER_DLQ_URLS/,
    ],
  ])('refuses to start when %s', (_, env, message) => {
    expect(() => deliverWith(env)).toThrow(message);
  });
});

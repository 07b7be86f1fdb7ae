// A deliver that does not know a message kind yet (a `klaviyo.*` type or version sent by a newer hydrate during a
// deploy) defers it — re-sends it to its own queue with a delay — instead of dead-lettering it; each such deferral
// counts as a failed attempt, so a kind no deliver ever learns still ends in the DLQ. A known kind with an invalid
// body is still a contract violation.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import { KNOWN_KINDS, deferUnknownKind } from '../../functions/deliver/unknown-kinds.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { deadLetterV1Schema, deliverMessageSchema } from '../../functions/shared/stage/contracts.ts';
import { backInStockFixture } from '../helpers/back-in-stock-messages.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { DELIVER_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { testContext } from '../helpers/http-event.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';
import { recordFixture } from '../helpers/record-messages.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';
import { itemUpsert } from '../helpers/catalog-messages.ts';

interface Sent {
  command: string;
  input: {
    QueueUrl: string;
    Entries?: {
      MessageBody: string;
      DelaySeconds?: number;
      MessageAttributes?: Record<string, { StringValue?: string }>;
    }[];
  };
}

function recordingSqs() {
  const sent: Sent[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Sent['input'] }) => {
      sent.push({ command: command.constructor.name, input: command.input });
      return Promise.resolve({ Failed: [], Successful: [] });
    },
  } as unknown as SQSClient;
  return { client, sent };
}

// A version of a known type that this deliver does not have (version 1 of back in stock is known since issue 21).
const unknownKind = {
  ...consentFixture('later'),
  type: 'klaviyo.back-in-stock',
  version: 2,
  variant_id: '$custom:::$default:::SKU-1',
};

function handlerWith(sqs: SQSClient, calls: string[]) {
  return createDeliverHandler({
    env: DELIVER_QUEUES_ENV,
    sqs,
    fetch: (url) => {
      calls.push(url as string);
      return Promise.resolve(new Response(null, { status: 202 }));
    },
    loadConfig: () =>
      Promise.resolve(
        relayConfigSchema().parse({ version: 1, sources: {}, klaviyo: { api_key: { env: 'K' } } }),
      ),
    resolveSecret: () => Promise.resolve('key'),
  });
}

const event = (body: unknown, receiveCount = 1, failedBefore?: number): SQSEvent => ({
  Records: [
    sqsRecord({
      id: 'm1',
      body: JSON.stringify(body),
      queue: 'deliver',
      receiveCount,
      messageAttributes: {
        correlation_id: { stringValue: 'demo:later', dataType: 'String' },
        ...(failedBefore === undefined
          ? {}
          : { relay_failed_attempts: { stringValue: String(failedBefore), dataType: 'Number' } }),
      },
    }),
  ],
});

describe('deliver and message kinds it does not know yet', () => {
  it('defers an unknown klaviyo.* type: re-sent to its own queue with a delay, not dead-lettered', async () => {
    const { client, sent } = recordingSqs();
    const calls: string[] = [];
    const out = await handlerWith(client, calls)(event(unknownKind), testContext('deliver'));
    expect(out.batchItemFailures).toEqual([]);
    expect(calls).toEqual([]);
    expect(sent.map((s) => s.input.QueueUrl)).toEqual([DELIVER_QUEUES_ENV.DELIVER_QUEUE_URL]);
    const copy = sent[0]?.input.Entries?.[0];
    expect(copy?.DelaySeconds).toBe(300);
    expect(JSON.parse(copy?.MessageBody ?? '{}')).toEqual(unknownKind);
    // It counts as a failed attempt, so that it cannot go round for ever.
    expect(copy?.MessageAttributes?.relay_failed_attempts?.StringValue).toBe('1');
  });

  it('defers an unknown version of a known type too', () => {
    expect(deferUnknownKind({ ...eventFixture(1), version: 3 })?.reason).toBe('unknown_message_kind');
  });

  it('dead-letters an unknown kind once its deferrals reach maxReceiveCount', async () => {
    const { client, sent } = recordingSqs();
    const out = await handlerWith(client, [])(event(unknownKind, 1, 4), testContext('deliver'));
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.input.QueueUrl)).toEqual([DELIVER_QUEUES_ENV.DELIVER_DLQ_URL]);
    const letter = deadLetterV1Schema().parse(JSON.parse(sent[0]?.input.Entries?.[0]?.MessageBody ?? '{}'));
    expect(letter).toMatchObject({
      reason: 'retries_exhausted',
      last_error: { reason: 'unknown_message_kind' },
    });
  });

  it('still dead-letters a known kind whose body is invalid, as a contract violation', async () => {
    const { client, sent } = recordingSqs();
    const invalid = { ...consentFixture('bad'), consent: 'maybe' };
    const out = await handlerWith(client, [])(event(invalid), testContext('deliver'));
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.input.QueueUrl)).toEqual([DELIVER_QUEUES_ENV.DELIVER_DLQ_URL]);
    const letter = deadLetterV1Schema().parse(JSON.parse(sent[0]?.input.Entries?.[0]?.MessageBody ?? '{}'));
    expect(letter.reason).toBe('contract_violation');
    expect(deferUnknownKind({ type: 'webhook.received', version: 1 })).toBeUndefined();
  });

  it('knows every kind its contract reads', () => {
    const fixtures = [
      eventFixture(1),
      { ...eventFixture(2), version: 2 },
      upsertFixture('u'),
      consentFixture('c'),
      itemUpsert('i'),
      recordFixture('r'),
      backInStockFixture('b'),
    ];
    for (const fixture of fixtures) {
      const parsed = deliverMessageSchema().parse(fixture);
      expect(KNOWN_KINDS.has(`${parsed.type}@${parsed.version}`)).toBe(true);
    }
    expect(KNOWN_KINDS.size).toBe(fixtures.length);
  });
});

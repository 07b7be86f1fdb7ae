// A write waiting for another write of its state, through deliver's handler and stage (ADR 0032): two handler
// instances share local mode's DynamoDB; the newer consent write, on its last allowed receive, is deferred — re-sent
// to deliver's own queue with a short delay and its failed attempts unchanged — never dead-lettered, and goes once
// the older job's lease has run out.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import { CONSENT_JOB_SETTLE_MS, IN_FLIGHT_RECHECK_SECONDS } from '../../functions/deliver/state-leases.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import type { KlaviyoConsentV1 } from '../../functions/shared/stage/contracts.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { DELIVER_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { testContext } from '../helpers/http-event.ts';
import { useLocalAws } from '../helpers/local-aws.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';

const aws = useLocalAws();

interface Entry {
  DelaySeconds?: number;
  MessageBody: string;
  MessageAttributes?: Record<string, { StringValue?: string }>;
}

function instance(clock: { at: number }, posted: string[], sent: { QueueUrl: string; Entries?: Entry[] }[]) {
  return createDeliverHandler({
    env: { ...DELIVER_QUEUES_ENV, DEDUPE_TABLE_NAME: aws().tableName },
    dynamodb: aws().dynamodb,
    sqs: {
      send: (command: { input: { QueueUrl: string; Entries?: Entry[] } }) => {
        sent.push(command.input);
        return Promise.resolve({ Failed: [], Successful: [] });
      },
    } as unknown as SQSClient,
    fetch: (url) => {
      posted.push(new URL(url).pathname);
      return Promise.resolve(new Response(null, { status: 202 }));
    },
    loadConfig: () =>
      Promise.resolve(
        relayConfigSchema().parse({ version: 1, sources: {}, klaviyo: { api_key: { env: 'K' } } }),
      ),
    resolveSecret: () => Promise.resolve('key'),
    now: () => clock.at,
  });
}

const received = (message: KlaviyoConsentV1, receiveCount: number, failedBefore?: number) => ({
  Records: [
    sqsRecord({
      id: message.delivery_id,
      body: JSON.stringify(message),
      queue: 'deliver',
      receiveCount,
      messageAttributes: {
        correlation_id: { stringValue: message.correlation_id, dataType: 'String' },
        ...(failedBefore === undefined
          ? {}
          : { relay_failed_attempts: { stringValue: String(failedBefore), dataType: 'Number' } }),
      },
    }),
  ],
});

describe('deliver handler: a state write in flight', () => {
  it('defers the newer write without a failed attempt, even on its last allowed receive', async () => {
    const clock = { at: 1_800_000_000_000 };
    const posted: string[] = [];
    const sent: { QueueUrl: string; Entries?: Entry[] }[] = [];
    const a = instance(clock, posted, sent);
    const b = instance(clock, posted, sent);
    const profile = { email: 'handler-lease@example.com' };
    const subscribe = consentFixture('h-sub', { profile, as_of: '2026-12-01T10:00:00.000Z' });
    const unsubscribe = consentFixture('h-unsub', {
      profile,
      consent: 'unsubscribed',
      as_of: '2026-12-01T10:00:05.000Z',
    });

    expect((await a(received(subscribe, 1), testContext('deliver'))).batchItemFailures).toEqual([]);
    const last = Number(DELIVER_QUEUES_ENV.MAX_RECEIVE_COUNT);
    expect((await b(received(unsubscribe, last), testContext('deliver'))).batchItemFailures).toEqual([]);
    expect(posted).toEqual(['/api/profile-subscription-bulk-create-jobs']);
    expect(sent.map((s) => s.QueueUrl)).toEqual([DELIVER_QUEUES_ENV.DELIVER_QUEUE_URL]); // not the DLQ
    const copy = sent[0]?.Entries?.[0];
    expect(copy?.DelaySeconds).toBe(IN_FLIGHT_RECHECK_SECONDS);
    expect(copy?.MessageAttributes?.relay_failed_attempts?.StringValue).toBe(String(last - 1));

    clock.at += CONSENT_JOB_SETTLE_MS;
    const again = received(unsubscribe, 1, last - 1);
    expect((await b(again, testContext('deliver'))).batchItemFailures).toEqual([]);
    expect(posted).toEqual([
      '/api/profile-subscription-bulk-create-jobs',
      '/api/profile-subscription-bulk-delete-jobs',
    ]);
    expect(sent).toHaveLength(1);
  });
});

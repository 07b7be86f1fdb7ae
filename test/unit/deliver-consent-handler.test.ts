// Consent through deliver's handler: the message meets deliver's contract, becomes a Bulk Subscribe job on the
// wire, and its state is checked first under its channel and identifier in the dedupe table; a write older than
// one already recorded is skipped — no request, no dead letter, no retry.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { DELIVER_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { testContext } from '../helpers/http-event.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';

/**
 * A dedupe table that keeps the newest as_of per key, as the conditional UpdateItem does; `keys` are the keys checked.
 * The end of a write's lease (an update without `:as_of`, ADR 0032) is accepted and not recorded.
 */
function stateTable() {
  const times = new Map<string, number>();
  const keys: string[] = [];
  const client = {
    send: (command: {
      input: { Key: { pk: { S: string } }; ExpressionAttributeValues: Record<string, { N: string }> };
    }) => {
      const key = command.input.Key.pk.S;
      if (command.input.ExpressionAttributeValues[':as_of'] === undefined) return Promise.resolve({});
      const at = Number(command.input.ExpressionAttributeValues[':as_of']?.N);
      keys.push(key);
      if ((times.get(key) ?? -Infinity) > at)
        return Promise.reject(new ConditionalCheckFailedException({ message: 'newer', $metadata: {} }));
      times.set(key, at);
      return Promise.resolve({});
    },
  } as unknown as DynamoDBClient;
  return { client, keys };
}

describe('deliver handler: consent', () => {
  it('sends a subscription as a Bulk Subscribe job, then skips an older write for the same email', async () => {
    const requests: { url: string; body: unknown }[] = [];
    const sqsCommands: string[] = [];
    const table = stateTable();
    const handler = createDeliverHandler({
      env: { ...DELIVER_QUEUES_ENV, DEDUPE_TABLE_NAME: 'dedupe' },
      sqs: {
        send: (command: { input: { QueueUrl: string } }) => {
          sqsCommands.push(command.input.QueueUrl);
          return Promise.resolve({ Failed: [] });
        },
      } as unknown as SQSClient,
      dynamodb: table.client,
      fetch: (url, init) => {
        requests.push({ url: url as string, body: JSON.parse(init?.body as string) });
        return Promise.resolve(new Response(null, { status: 202 }));
      },
      loadConfig: () =>
        Promise.resolve(
          relayConfigSchema().parse({ version: 1, sources: {}, klaviyo: { api_key: { env: 'K' } } }),
        ),
      resolveSecret: () => Promise.resolve('key'),
    });
    const newer = consentFixture('new', { consent: 'unsubscribed', as_of: '2026-12-02T10:00:00.000Z' });
    const older = consentFixture('old', { as_of: '2026-12-01T10:00:00.000Z' });

    const first = await handler(
      { Records: [stageMessageRecord('m1', newer, 'deliver')] },
      testContext('deliver'),
    );
    expect(first.batchItemFailures).toEqual([]);
    expect(requests.map((r) => r.url)).toEqual([
      'https://a.klaviyo.com/api/profile-subscription-bulk-delete-jobs',
    ]);
    expect(table.keys).toHaveLength(1);
    expect(table.keys[0]).toMatch(/^STATE#consent:email#[0-9a-f]{64}$/);

    const second = await handler(
      { Records: [stageMessageRecord('m2', older, 'deliver')] },
      testContext('deliver'),
    );
    expect(second.batchItemFailures).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(sqsCommands).toEqual([]); // neither dead-lettered nor deferred
  });
});

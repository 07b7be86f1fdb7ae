// Messages larger than the queue holds (issue 10, item 1): the local queues hold what the module's queues hold
// (262,144 bytes, the AWS provider's ceiling), and a body over it travels as a claim check (the payload in the
// payload bucket, the message carrying the reference) through ingest → hydrate → deliver.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { localSources, startLocalStackWithSources, postSigned } from '../helpers/local-stack.ts';
import { waitFor } from '../helpers/wait.ts';

/** terraform/modules/queue's max_message_size (the provider's ceiling). */
const QUEUE_LIMIT = 262_144;

let stack: LocalStack;
let mock: KlaviyoMock;

beforeAll(async () => {
  const demo = { ...(await localSources()).demo, max_body_bytes: 1024 * 1024 };
  const klaviyo = {
    kind: 'klaviyo',
    secrets: [{ env: 'DEMO_WEBHOOK_SECRET' }],
    mapping: { profile: { email: ['event.data.attributes.email'] } },
  };
  ({ stack, mock } = await startLocalStackWithSources({ demo, klaviyo }));
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(() => {
  mock.reset();
});

async function send(source: string, body: Buffer, deliveryId = randomUUID()) {
  const response = await postSigned(stack, source, body, DEV_SECRETS.DEMO_WEBHOOK_SECRET, { deliveryId });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, deliveryId };
}

describe('messages over the queue limit (claim check)', () => {
  it('creates the local queues with the module’s 262,144-byte limit', async () => {
    for (const url of [stack.aws.hydrate.url, stack.aws.deliver.url]) {
      const { Attributes } = await stack.aws.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['MaximumMessageSize'] }),
      );
      expect(Attributes?.MaximumMessageSize).toBe(String(QUEUE_LIMIT));
    }
  });

  it('accepts and delivers a 900 KiB webhook', async () => {
    const order = JSON.parse(await readFile('samples/demo-order.json', 'utf8')) as Record<string, unknown>;
    // Ten strings under Klaviyo's 100,000-byte property limit: the hydrated event is as large.
    for (let i = 0; i < 10; i++) order[`note_${i}`] = `${i}`.repeat(92_500);
    const body = Buffer.from(JSON.stringify(order));
    expect(body.length).toBeGreaterThan(900 * 1024);
    expect(body.length).toBeLessThan(1024 * 1024);

    const sent = await send('demo', body);
    expect(sent).toMatchObject({ status: 202, body: { code: 'accepted' } });
    const [event] = await waitFor(
      'the large event at the Klaviyo mock',
      () => mock.events().length > 0 && mock.events(),
      { timeoutMs: 30_000 },
    );
    expect(event).toMatchObject({ metric: 'Placed Order', uniqueId: `demo:${sent.deliveryId}` });
    expect(event?.properties.note_9).toBe('9'.repeat(92_500));
    await waitFor('both stage queues to drain', () => stack.drained());
    // Both hops went through the claim check: ingest → hydrate and hydrate → deliver.
    const listed = await stack.aws.s3.send(new ListObjectsV2Command({ Bucket: stack.aws.payloadBucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
    expect(keys.filter((k) => k.startsWith('ingest/demo/'))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith('hydrate/demo/'))).toHaveLength(1);
  }, 60_000);

  it('accepts and delivers a 1,000-event, ~5 MiB Klaviyo system webhook', async () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const body = Buffer.from(
      JSON.stringify({
        data: ids.map((id, i) => ({
          external_id: id,
          topic: 'event:klaviyo.opened_email',
          payload: {
            data: { type: 'event', id, attributes: { email: `p${i}@example.com`, note: 'k'.repeat(5_000) } },
          },
        })),
        meta: { klaviyo_webhook_id: 'wh-claim-check', klaviyo_account_id: 'abc123' },
      }),
    );
    expect(body.length).toBeGreaterThan(4.8 * 1024 * 1024);
    expect(body.length).toBeLessThanOrEqual(5 * 1024 * 1024);

    const sent = await send('klaviyo', body);
    expect(sent).toMatchObject({ status: 202, body: { code: 'accepted' } });
    await waitFor('1,000 events at the Klaviyo mock', () => mock.events().length >= 1000, {
      timeoutMs: 150_000,
    });
    expect(new Set(mock.events().map((e) => e.uniqueId))).toEqual(new Set(ids.map((id) => `klaviyo:${id}`)));
  }, 180_000);
});

// Klaviyo's own system webhooks through local mode, configured as terraform/examples/complete configures them
// (a metric, nothing about the profile). Their events name the profile only by Klaviyo's profile id
// (`relationships.profile.data.id`), which the relay sends back as the profile resource's `data.id`.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { startLocalStackWithSources, postSigned } from '../helpers/local-stack.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;

beforeAll(async () => {
  const klaviyo = {
    kind: 'klaviyo',
    secrets: [{ env: 'DEMO_WEBHOOK_SECRET' }],
    max_body_bytes: 5 * 1024 * 1024,
    mapping: { metric: 'Klaviyo System Event' },
  };
  ({ stack, mock } = await startLocalStackWithSources({ klaviyo }));
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(() => {
  mock.reset();
});

interface SystemWebhook {
  data: { external_id: string; payload: { data: { id: string; relationships: Record<string, unknown> } } }[];
  meta: { klaviyo_webhook_id: string };
}

/** Klaviyo's example system webhook (samples/), with fresh ids and its event about the given profile id. */
async function systemWebhook(profileId: string): Promise<{ body: Buffer; eventId: string }> {
  const webhook = JSON.parse(await readFile('samples/klaviyo-system-webhook.json', 'utf8')) as SystemWebhook;
  const [item] = webhook.data;
  if (!item) throw new Error('the sample has no event');
  const eventId = randomUUID();
  item.external_id = eventId;
  item.payload.data.id = eventId;
  item.payload.data.relationships.profile = { data: { type: 'profile', id: profileId } };
  webhook.meta.klaviyo_webhook_id = randomUUID();
  return { body: Buffer.from(JSON.stringify(webhook)), eventId };
}

async function send(body: Buffer) {
  const response = await postSigned(stack, 'klaviyo', body, DEV_SECRETS.DEMO_WEBHOOK_SECRET);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A profile the Klaviyo mock knows, as the account that sends system webhooks knows its profiles. */
async function klaviyoProfile(email: string): Promise<string> {
  const response = await fetch(`${stack.klaviyoBaseUrl}/api/profile-import`, {
    method: 'POST',
    headers: {
      Authorization: `Klaviyo-API-Key ${stack.env.KLAVIYO_API_KEY ?? ''}`,
      revision: '2026-07-15',
      'Content-Type': 'application/vnd.api+json',
    },
    body: JSON.stringify({ data: { type: 'profile', attributes: { email } } }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { data: { id: string } }).data.id;
}

async function deadLetters(queueUrl: string) {
  const out = await stack.aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
  );
  return (out.Messages ?? []).map((m) => deadLetterV1Schema().parse(JSON.parse(m.Body ?? '')));
}

describe('Klaviyo system webhooks', () => {
  it('reach Klaviyo for the profile the webhook names by Klaviyo id (profile.data.id)', async () => {
    const profileId = await klaviyoProfile('ada@example.com');
    const { body, eventId } = await systemWebhook(profileId);
    expect(await send(body)).toMatchObject({ status: 202, body: { code: 'accepted' } });

    const [event, ...others] = await waitFor(
      'the system event at the Klaviyo mock',
      () => mock.events().length > 0 && mock.events(),
    );
    expect(others).toEqual([]);
    // The mock records the identifiers the request named: data.id alone, no identifier attribute.
    expect(event).toMatchObject({
      metric: 'Klaviyo System Event',
      uniqueId: `klaviyo:${eventId}`,
      profile: { id: profileId },
      profileId,
      properties: { 'data_attributes_event_properties_Message Body': 'Hello, I need help with my order!' },
    });
    expect(event?.profile).toEqual({ id: profileId });
    expect(mock.profiles().map((p) => [p.id, p.email])).toEqual([[profileId, 'ada@example.com']]);
    await waitFor('both stage queues to drain', () => stack.drained());
    expect(await deadLetters(stack.aws.hydrate.dlqUrl)).toEqual([]);
  });

  it("a profile id Klaviyo does not know (another account's) is dead-lettered in deliver with Klaviyo's pointer", async () => {
    const { body, eventId } = await systemWebhook('01HFAD5MDRT48NN8VN7H1NB0BH');
    expect(await send(body)).toMatchObject({ status: 202 });
    const [letter] = await waitFor('a dead letter', () =>
      deadLetters(stack.aws.deliver.dlqUrl).then((l) => l.length > 0 && l),
    );
    expect(letter).toMatchObject({ stage: 'deliver', reason: 'klaviyo_400' });
    expect(JSON.stringify(letter?.detail)).toContain('/data/attributes/profile/data/id');
    expect(letter?.original).toContain(eventId);
    expect(mock.events()).toEqual([]);
  });
});

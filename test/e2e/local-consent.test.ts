// Consent through local mode, webhook to Klaviyo mock, with the shopify preset and nothing else configured: a
// customer who subscribes and then unsubscribes ends unsubscribed, though Shopify's two webhooks arrive in reverse
// order. Consent is state (docs/adr/0030-consent-as-state.md): the unsubscription, newer by `consent_updated_at`,
// is written first; the older subscription that follows is skipped, never sent, never dead-lettered. Consent
// travels on its own deliver queue (docs/adr/0036-a-deliver-queue-per-family.md).
import { randomUUID } from 'node:crypto';
import type { SendMessageBatchRequest } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { postSigned } from '../helpers/local-stack.ts';
import { documentOf, SHOPIFY_SOURCE, useLocalStack } from '../helpers/local-stack-per-file.ts';
import { waitFor } from '../helpers/wait.ts';

const local = useLocalStack(() => ({ document: documentOf({ shop: SHOPIFY_SOURCE }) }));
/** Each stage message sent to a queue: its type and the queue's URL. */
const sentTo: { type: string; queueUrl: string }[] = [];

// Registered after useLocalStack's, so it runs once local mode is up.
beforeAll(() => {
  local.stack.aws.sqs.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Partial<SendMessageBatchRequest>;
      for (const entry of input.Entries ?? [])
        if (entry.MessageBody !== undefined)
          sentTo.push({
            type: (JSON.parse(entry.MessageBody ?? '{}') as { type?: string }).type ?? '?',
            queueUrl: input.QueueUrl ?? '?',
          });
      return next(args);
    },
    { step: 'initialize', name: 'recordSends' },
  );
});

/** Shopify's `customers_email_marketing_consent/update` body (API 2025-01 and later) for one customer. */
const consentUpdate = (state: 'subscribed' | 'unsubscribed', consentUpdatedAt: string) =>
  Buffer.from(
    JSON.stringify({
      customer_id: 7409268736302,
      email_address: 'grace.hopper@example.com',
      email_marketing_consent: {
        state,
        opt_in_level: 'single_opt_in',
        consent_updated_at: consentUpdatedAt,
      },
    }),
  );

const send = (body: Buffer) =>
  postSigned(local.stack, 'shop', body, DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET, {
    deliveryId: randomUUID(),
    eventType: 'customers_email_marketing_consent/update',
  });

describe('local pipeline: consent', () => {
  it('a customer who subscribes, then unsubscribes, sent in reverse order, ends unsubscribed', async () => {
    const subscribed = consentUpdate('subscribed', '2026-11-24T08:12:30-05:00');
    const unsubscribed = consentUpdate('unsubscribed', '2026-11-26T17:40:00-05:00');

    expect((await send(unsubscribed)).status).toBe(202);
    await waitFor('the unsubscription at the Klaviyo mock', () => local.mock.consentChanges().length === 1);
    expect((await send(subscribed)).status).toBe(202);
    await waitFor('the queues drained', () => local.stack.drained());

    expect(local.mock.consent().map(({ email, channel, state }) => ({ email, channel, state }))).toEqual([
      { email: 'grace.hopper@example.com', channel: 'email', state: 'unsubscribed' },
    ]);
    // The older subscription was never sent: Klaviyo saw one write.
    expect(local.mock.consentChanges().map((c) => c.state)).toEqual(['unsubscribed']);
    expect(local.mock.events()).toEqual([]);
    const status = (await (await fetch(local.stack.statusUrl)).json()) as {
      dlqs: Record<string, { count: number }>;
    };
    // hydrate's DLQ and each family's deliver DLQ: all empty.
    expect(Object.values(status.dlqs).map((dlq) => dlq.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // Hydrate sent each consent write to the consent family's queue, and nothing else went there.
    const consentQueue = local.stack.aws.deliverQueues['deliver-consent'].url;
    const consentSends = sentTo.filter((s) => s.type === 'klaviyo.consent');
    expect(consentSends.length).toBeGreaterThanOrEqual(2);
    expect(new Set(consentSends.map((s) => s.queueUrl))).toEqual(new Set([consentQueue]));
    expect(sentTo.filter((s) => s.queueUrl === consentQueue).map((s) => s.type)).toEqual(
      consentSends.map(() => 'klaviyo.consent'),
    );
  });

  it('in order, the subscription is written with when consent was given, then the unsubscription', async () => {
    local.mock.reset();
    const other = (state: 'subscribed' | 'unsubscribed', at: string) =>
      Buffer.from(consentUpdate(state, at).toString('utf8').replace('grace.hopper', 'ada.lovelace'));

    expect((await send(other('subscribed', '2026-11-20T10:00:00Z'))).status).toBe(202);
    await waitFor('the subscription at the Klaviyo mock', () => local.mock.consentChanges().length === 1);
    expect((await send(other('unsubscribed', '2026-11-21T10:00:00Z'))).status).toBe(202);
    await waitFor('the unsubscription at the Klaviyo mock', () => local.mock.consentChanges().length === 2);

    expect(
      local.mock
        .consentChanges()
        .map(({ state, consentedAt, historicalImport }) => ({ state, consentedAt, historicalImport })),
    ).toEqual([
      { state: 'subscribed', consentedAt: '2026-11-20T10:00:00.000Z', historicalImport: true },
      expect.objectContaining({ state: 'unsubscribed' }),
    ]);
    expect(local.mock.consent()).toMatchObject([
      { email: 'ada.lovelace@example.com', state: 'unsubscribed' },
    ]);
  });

  it('tells the CLI and the status endpoint of every queue, by queue key', async () => {
    const keys = [
      'hydrate',
      'deliver',
      'deliver-profiles',
      'deliver-consent',
      'deliver-catalog',
      'deliver-records',
      'deliver-back-in-stock',
    ];
    const outputs = localStackOutputs(local.stack, local.stack.apiEndpoint) as Record<
      string,
      { value: unknown }
    >;
    const queueUrls = outputs.queue_urls?.value as Record<string, string>;
    const dlqUrls = outputs.dlq_urls?.value as Record<string, string>;
    expect(Object.keys(queueUrls)).toEqual(keys);
    expect(Object.keys(dlqUrls)).toEqual(keys);
    expect(queueUrls['deliver-consent']).toBe(local.stack.aws.deliverQueues['deliver-consent'].url);
    expect(dlqUrls['deliver-consent']).toBe(local.stack.aws.deliverQueues['deliver-consent'].dlqUrl);
    expect(new Set([...Object.values(queueUrls), ...Object.values(dlqUrls)]).size).toBe(keys.length * 2);
    const status = (await (await fetch(local.stack.statusUrl)).json()) as {
      queues: Record<string, unknown>;
      dlqs: Record<string, unknown>;
    };
    expect(Object.keys(status.queues)).toEqual(keys);
    expect(Object.keys(status.dlqs)).toEqual(keys);
  });
});

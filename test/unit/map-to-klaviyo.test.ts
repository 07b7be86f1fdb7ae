import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';
import type { WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import {
  humanizeEventType,
  mapToKlaviyoEvent,
  mapToProfileUpsert,
  uniqueIdFor,
} from '../../functions/hydrate/map-to-klaviyo.ts';
import { profileIdSpecsOf } from '../../functions/hydrate/mapping/profile.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const message = webhookReceived({
  source: 'demo',
  id: 'd-1',
  eventType: 'order.created',
  receivedAt: '2026-11-23T10:00:00.000Z',
  payload: {
    id: '1001',
    total: '31.49',
    created_at: 1_763_892_000,
    products: [{ sku: 'A' }],
    customer: 'cus_1',
  },
});

const source = sourceSchema().parse({
  kind: 'generic-hmac',
  secrets: [{ env: 'S' }],
  signature: { header: 'x-sig' },
  hydration: { base_url: 'https://api.local', steps: [{ name: 'customer', path: '/c/{event.customer}' }] },
  mapping: {
    metric_by_event_type: { 'order.created': 'Placed Order' },
    profile: { email: ['customer.email'], external_id: ['customer.id'] },
    value: 'event.total',
    time: 'event.created_at',
  },
});

describe('mapToKlaviyoEvent', () => {
  const context = {
    event: message.payload,
    meta: {},
    customer: { id: 42, email: 'ada@example.com', name: 'Ada' },
  };

  it('builds a Klaviyo event from the event and what hydration fetched', async () => {
    const { event } = await mapToKlaviyoEvent(message, source, context);
    expect(event).toMatchObject({
      metric: 'Placed Order',
      profile: { email: 'ada@example.com', external_id: '42' },
      value: 31.49,
      time: '2025-11-23T10:00:00.000Z',
      unique_id: 'demo:d-1',
      backfill: false,
      properties: {
        id: '1001',
        products_sku: ['A'],
        relay_source: 'demo',
        products_count: 1,
        customer_name: 'Ada',
        customer_email: 'ada@example.com',
      },
    });
  });

  it('derives the same unique_id every time', async () => {
    expect((await mapToKlaviyoEvent(message, source, context)).event.unique_id).toBe(
      (await mapToKlaviyoEvent(message, source, context)).event.unique_id,
    );
    expect(uniqueIdFor('s', 'x'.repeat(400))).toMatch(/^s:sha256:[0-9a-f]{64}$/);
  });

  it('falls back to the humanised event type and the receive time', async () => {
    const plain = sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }] });
    const { event } = await mapToKlaviyoEvent({ ...message, event_type: 'orders/paid' }, plain, {
      event: { email: 'x@example.com' },
      meta: {},
    });
    expect(event.metric).toBe('Orders Paid');
    expect(event.time).toBe(message.received_at);
  });

  it('refuses an event with no profile identifier, as a permanent failure', async () => {
    await expect(mapToKlaviyoEvent(message, source, { event: {}, meta: {} })).rejects.toThrowError(
      PermanentError,
    );
  });

  it('humanises common event type styles', () => {
    expect(humanizeEventType('orders/create')).toBe('Orders Create');
    expect(humanizeEventType('invoice.payment_succeeded')).toBe('Invoice Payment Succeeded');
  });
});

describe('the profile by Klaviyo id (Klaviyo system webhooks)', () => {
  // Klaviyo's example system webhook: its event names the profile only by Klaviyo's profile id, under
  // relationships.profile.data.id, as the Get Event API does.
  const webhook = JSON.parse(readFileSync('samples/klaviyo-system-webhook.json', 'utf8')) as {
    data: { external_id: string; payload: unknown }[];
  };
  const [item] = webhook.data;
  if (!item) throw new Error('the sample has no event');
  const systemMessage: WebhookReceivedV1 = {
    ...message,
    correlation_id: `klaviyo:${item.external_id}`,
    source: 'klaviyo',
    delivery_id: item.external_id,
    event_type: 'event:klaviyo.sent_sms',
    meta: { origin: 'klaviyo' },
    payload: item.payload,
  };
  const systemContext = { event: item.payload, meta: systemMessage.meta };
  // As terraform/examples/complete configures it: a metric, nothing about the profile.
  const klaviyoSource = (mapping: Record<string, unknown> = {}) =>
    sourceSchema().parse({
      kind: 'klaviyo',
      secrets: [{ env: 'S' }],
      mapping: { metric: 'Klaviyo System Event', ...mapping },
    });

  it('finds the profile id where system webhooks name it, by default', async () => {
    expect(profileIdSpecsOf(klaviyoSource())).toEqual(['event.data.relationships.profile.data.id']);
    const { event } = await mapToKlaviyoEvent(systemMessage, klaviyoSource(), systemContext);
    expect(event.profile).toEqual({ id: '01HFAD5MDRT48NN8VN7H1NB0BH' });
    expect(event).toMatchObject({ metric: 'Klaviyo System Event', unique_id: 'klaviyo:4L3cwQae2TX' });
  });

  it('sends the id with the other identifiers found, and takes a path or an expression', async () => {
    const { event } = await mapToKlaviyoEvent(
      systemMessage,
      klaviyoSource({
        profile: {
          id: [{ expr: "$uppercase('01hfad5mdrt48nn8vn7h1nb0bh')" }],
          phone_number: [{ expr: 'event.data.attributes.event_properties.`From Number`' }],
        },
      }),
      systemContext,
    );
    expect(event.profile).toEqual({ id: '01HFAD5MDRT48NN8VN7H1NB0BH', phone_number: '+18108675309' });
  });

  it('a profile upsert names the profile by id too', async () => {
    const upsert = await mapToProfileUpsert(
      systemMessage,
      klaviyoSource({
        profile_attributes: {
          'properties.last_sms_intent': { expr: 'event.data.attributes.event_properties.`Intent 1`' },
        },
      }),
      systemContext,
    );
    expect(upsert).toMatchObject({
      profile: { id: '01HFAD5MDRT48NN8VN7H1NB0BH' },
      properties: { last_sms_intent: 'Hello' },
    });
  });

  it('defaults the id only for senders that are Klaviyo: a JSON:API webhook of another app names its own user', async () => {
    // Another app's JSON:API webhook: its relationships.profile is that app's user, not a Klaviyo profile.
    const payload = {
      data: { type: 'event', relationships: { profile: { data: { type: 'user', id: 'app-user-7' } } } },
      email: 'ada@example.com',
    };
    const context = { event: payload, meta: {} };
    for (const kind of ['standard-webhooks', 'token', 'generic-hmac', 'shopify', 'zendesk'] as const) {
      const other = sourceSchema().parse({
        kind,
        secrets: [{ env: 'S' }],
        ...(kind === 'generic-hmac' ? { signature: { header: 'x-sig' } } : {}),
        mapping: { metric: 'App Event' },
      });
      const { event } = await mapToKlaviyoEvent({ ...message, payload }, other, context);
      expect(event.profile).toEqual({ email: 'ada@example.com' });
    }
    // A Klaviyo flow's webhook action is Klaviyo too: the default applies.
    const flow = sourceSchema().parse({
      kind: 'klaviyo-flow',
      secrets: [{ env: 'S' }],
      mapping: { metric: 'F' },
    });
    const fromFlow = await mapToKlaviyoEvent({ ...message, payload }, flow, context);
    expect(fromFlow.event.profile).toEqual({ id: 'app-user-7', email: 'ada@example.com' });
    // Set explicitly, any sender may read an id.
    const explicit = sourceSchema().parse({
      kind: 'token',
      secrets: [{ env: 'S' }],
      mapping: { metric: 'App Event', profile: { id: ['event.data.relationships.profile.data.id'] } },
    });
    expect((await mapToKlaviyoEvent({ ...message, payload }, explicit, context)).event.profile).toEqual({
      id: 'app-user-7',
      email: 'ada@example.com',
    });
  });

  it('no identifier at all still fails permanently, naming all four', async () => {
    const failure = mapToKlaviyoEvent(systemMessage, klaviyoSource({ profile: { id: [] } }), systemContext);
    await expect(failure).rejects.toThrowError(PermanentError);
    await expect(failure).rejects.toMatchObject({
      reason: 'no_profile_identifier',
      message:
        'no profile identifier found (looked for id, email, phone_number, external_id at the configured paths)',
    });
  });
});

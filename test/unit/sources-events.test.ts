// What each kind turns a verified request into: delivery ids (the dedupe keys), event types, metadata,
// and the 4xx answers for requests that lack what the scheme requires.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../functions/ingest/http-error.ts';
import { adapterFor } from '../../functions/ingest/sources/index.ts';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';

const source = (kind: string, extra: Record<string, unknown> = {}) =>
  sourceSchema().parse({ kind, secrets: [{ env: 'S' }], ...extra });
const eventsOf = (kind: string, headers: Record<string, string>, body: unknown, extra = {}) => {
  const config = source(kind, extra);
  return adapterFor(config).events({ headers, rawBody: Buffer.from(JSON.stringify(body)) }, body, config);
};
const fixture = JSON.parse(readFileSync('/work/shared/fixtures/klaviyo-system-webhook.json', 'utf8')) as {
  _headers: Record<string, string>;
  body: { data: unknown[]; meta: Record<string, string> };
};

describe('klaviyo system webhooks', () => {
  const headers = { 'klaviyo-webhook-id': fixture._headers['Klaviyo-Webhook-Id'] ?? '' };

  it('turns every data[] item into its own event keyed by external_id, marked as Klaviyo-originated', () => {
    const [event, ...rest] = eventsOf('klaviyo', headers, fixture.body);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      deliveryId: '4L3cwQae2TX',
      eventType: 'event:klaviyo.sent_sms',
      meta: { origin: 'klaviyo', klaviyo_topic: 'event:klaviyo.sent_sms', klaviyo_account_id: 'abc123' },
    });
    expect(event?.payload).toEqual((fixture.body.data[0] as { payload: unknown }).payload);
  });

  it('splits a batch of several topics', () => {
    const data = Array.from({ length: 1000 }, (_, i) => ({
      external_id: `e${i}`,
      topic: i % 2 ? 'event:klaviyo.opened_email' : 'event:klaviyo.clicked_email',
      payload: { i },
    }));
    const events = eventsOf('klaviyo', headers, { ...fixture.body, data });
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((e) => e.eventType))).toEqual(
      new Set(['event:klaviyo.opened_email', 'event:klaviyo.clicked_email']),
    );
  });

  it('refuses a body whose meta.klaviyo_webhook_id differs from the header (401), and more than 1,000 events', () => {
    expect(() => eventsOf('klaviyo', { 'klaviyo-webhook-id': 'other' }, fixture.body)).toThrowError(
      expect.objectContaining({ statusCode: 401, code: 'webhook_id_mismatch' }) as Error,
    );
    const data = Array.from({ length: 1001 }, (_, i) => ({ external_id: `e${i}` }));
    expect(() => eventsOf('klaviyo', headers, { ...fixture.body, data })).toThrowError(
      expect.objectContaining({ code: 'too_many_events' }) as Error,
    );
    expect(() =>
      eventsOf('klaviyo', headers, { ...fixture.body, data: [{ topic: 'x', payload: {} }] }),
    ).toThrowError(expect.objectContaining({ code: 'missing_delivery_id' }) as Error);
  });
});

describe('single-event kinds', () => {
  it('stripe: the event id and type from the body; API version kept', () => {
    const [event] = eventsOf(
      'stripe',
      {},
      { id: 'evt_9', type: 'charge.succeeded', api_version: '2026-10-28', livemode: false },
    );
    expect(event).toMatchObject({
      deliveryId: 'evt_9',
      eventType: 'charge.succeeded',
      meta: { api_version: '2026-10-28', livemode: 'false' },
    });
    expect(() => eventsOf('stripe', {}, { type: 'x' })).toThrowError(HttpError);
  });

  it('standard-webhooks: webhook-id is the delivery id, type from the body', () => {
    const [event] = eventsOf('standard-webhooks', { 'webhook-id': 'msg_7' }, { type: 'invoice.paid' });
    expect(event).toMatchObject({ deliveryId: 'msg_7', eventType: 'invoice.paid' });
  });

  it('klaviyo-flow: a configured path, else a body hash; marked as Klaviyo-originated', () => {
    const [byPath] = eventsOf('klaviyo-flow', {}, { ref: 'flow-42' }, { delivery_id: { path: 'ref' } });
    expect(byPath).toMatchObject({ deliveryId: 'flow-42', meta: { origin: 'klaviyo' } });
    const [byHash] = eventsOf('klaviyo-flow', {}, { anything: 1 });
    expect(byHash?.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('bigcommerce: the payload hash, else scope + data id + created_at', () => {
    const payload = { scope: 'store/order/created', store_id: '1025646', data: { type: 'order', id: 250 } };
    const [byHash] = eventsOf('bigcommerce', {}, { ...payload, hash: 'dd70c09', created_at: 1561479335 });
    expect(byHash).toMatchObject({
      deliveryId: 'dd70c09',
      eventType: 'store/order/created',
      meta: { store_id: '1025646' },
    });
    const [composed] = eventsOf('bigcommerce', {}, { ...payload, created_at: 1561479335 });
    expect(composed?.deliveryId).toBe('store/order/created:250:1561479335');
    expect(() => eventsOf('bigcommerce', {}, { scope: 'x' })).toThrowError(HttpError);
  });

  it('woocommerce: X-WC-Webhook-Delivery-ID and the topic', () => {
    const [event] = eventsOf(
      'woocommerce',
      { 'x-wc-webhook-delivery-id': 'd1', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-id': '3' },
      { id: 4750 },
    );
    expect(event).toMatchObject({ deliveryId: 'd1', eventType: 'order.created', meta: { webhook_id: '3' } });
    expect(() => eventsOf('woocommerce', {}, { id: 1 })).toThrowError(HttpError);
  });

  it('woocommerce: recognises the form-encoded set-up ping and nothing else', () => {
    const config = source('woocommerce');
    const ack = (text: string) =>
      adapterFor(config).acknowledge?.({ headers: {}, rawBody: Buffer.from(text) }, config);
    expect(ack('webhook_id=12')).toMatchObject({ code: 'ping' });
    expect(ack('webhook_id=12&x=1')).toBeUndefined();
    expect(ack('{"webhook_id":12}')).toBeUndefined();
  });

  it('zendesk: the invocation id header, else the body id', () => {
    const type = 'zen:event-type:ticket.created';
    const [byHeader] = eventsOf(
      'zendesk',
      { 'x-zendesk-webhook-invocation-id': '8350205582' },
      { id: 'b', type },
    );
    expect(byHeader).toMatchObject({ deliveryId: '8350205582', eventType: type });
    const [byBody] = eventsOf('zendesk', {}, { id: 'evt-b' });
    expect(byBody?.deliveryId).toBe('evt-b');
  });

  it('token and generic-hmac: configured header, else a body hash', () => {
    const [byHeader] = eventsOf(
      'token',
      { 'x-delivery': 'd-9' },
      {},
      { delivery_id: { header: 'X-Delivery' } },
    );
    expect(byHeader?.deliveryId).toBe('d-9');
    const [byHash] = eventsOf('generic-hmac', {}, { a: 1 }, { signature: { header: 'x-sig' } });
    expect(byHash?.deliveryId).toMatch(/^sha256:/);
  });
});

describe('configuration of the kinds', () => {
  it('fills the documented defaults', () => {
    expect(source('stripe')).toMatchObject({ tolerance_seconds: 300 });
    expect(source('klaviyo')).toMatchObject({ tolerance_seconds: 300, max_body_bytes: 5 * 1024 * 1024 });
    expect(source('klaviyo-flow')).toMatchObject({ secret_header: 'x-relay-secret' });
    expect(source('token')).toMatchObject({ scheme: 'bearer', header: 'authorization' });
    expect(source('generic-hmac', { signature: { header: 'X-Sig' } })).toMatchObject({
      signature: { header: 'x-sig', signed_content: '{body}', tolerance_seconds: 300 },
    });
  });
  it('refuses unknown kinds, unknown keys and more than five secrets', () => {
    expect(() => source('paypal')).toThrow();
    expect(() => source('stripe', { tolerence_seconds: 10 })).toThrow();
    expect(() =>
      sourceSchema().parse({ kind: 'zendesk', secrets: Array.from({ length: 6 }, () => ({ env: 'S' })) }),
    ).toThrow();
  });
});

// Stage messages for tests (ingest → hydrate webhooks, hydrate → deliver events and profile upserts), each built
// through the real contract so that a fixture the contract refuses fails where it is written.
import {
  klaviyoEventV1Schema,
  klaviyoProfileUpsertV1Schema,
  webhookReceivedV1Schema,
  type KlaviyoEventV1,
  type KlaviyoProfileUpsertV1,
  type WebhookReceivedV1,
} from '../../functions/shared/stage/contracts.ts';

/** What varies between the webhooks tests send to hydrate; the correlation id is `<source>:<id>`, as ingest sets it. */
export interface WebhookFields {
  source: string;
  /** The delivery id. */
  id: string;
  eventType: string;
  receivedAt: string;
  payload: unknown;
  meta?: Record<string, string>;
}

/** A `webhook.received` message as ingest sends it; `more` adds what replay sets (`backfill`, `replay`). */
export function webhookReceived(
  fields: WebhookFields,
  more: Partial<WebhookReceivedV1> = {},
): WebhookReceivedV1 {
  return webhookReceivedV1Schema().parse({
    type: 'webhook.received',
    version: 1,
    correlation_id: `${fields.source}:${fields.id}`,
    source: fields.source,
    delivery_id: fields.id,
    event_type: fields.eventType,
    received_at: fields.receivedAt,
    meta: fields.meta ?? {},
    payload: fields.payload,
    ...more,
  });
}

/** Event number `n`; seven profiles take turns, so a batch has several events per profile. */
export function eventFixture(n: number, overrides: Partial<KlaviyoEventV1> = {}): KlaviyoEventV1 {
  return klaviyoEventV1Schema().parse({
    type: 'klaviyo.event',
    version: 1,
    correlation_id: `demo:d-${n}`,
    source: 'demo',
    delivery_id: `d-${n}`,
    metric: 'Placed Order',
    profile: { email: `user${n % 7}@example.com`, external_id: `cus_${n % 7}` },
    properties: { order_id: String(n), products_sku: ['A', 'B'], products_count: 2, gift: false },
    time: '2026-11-23T10:00:00.000Z',
    value: 31.49,
    unique_id: `demo:d-${n}`,
    ...overrides,
  });
}

/** A profile upsert for ada@example.com from `demo`'s delivery `id`; `fields` adds the attributes and the rest. */
export function upsertFixture(id: string, fields: Record<string, unknown> = {}): KlaviyoProfileUpsertV1 {
  return klaviyoProfileUpsertV1Schema().parse({
    type: 'klaviyo.profile-upsert',
    version: 1,
    correlation_id: `demo:${id}`,
    source: 'demo',
    delivery_id: id,
    profile: { email: 'ada@example.com' },
    ...fields,
  });
}

// From product webhooks to the mock's catalog: a mapping's catalog rows (hydrate) delivered by deliverBatch with
// the real client. A product created, updated twice out of order and then deleted ends deleted, and the newest
// data is never overwritten by the older update in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { createKlaviyoClient } from '../../functions/deliver/klaviyo-client.ts';
import type { StateVersions } from '../../functions/deliver/state-versions.ts';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { fakeClock, recordsOf } from '../helpers/fake-profile-jobs.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const source = sourceSchema().parse({
  kind: 'shopify',
  secrets: [{ env: 'S' }],
  mapping: {
    profile: { email: ['event.email'] },
    emit: 'none',
    catalog: [
      {
        id: 'product',
        event_types: ['products/create', 'products/update'],
        entity: 'item',
        external_id: 'event.id',
        as_of: 'event.updated_at',
        fields: { title: 'event.title', description: 'event.body_html', url: 'event.url' },
      },
      {
        id: 'variants',
        event_types: ['products/create', 'products/update'],
        entity: 'variant',
        for_each: 'event.variants',
        external_id: 'item.id',
        as_of: 'event.updated_at',
        fields: {
          item: 'event.id',
          title: 'item.title',
          description: 'event.body_html',
          sku: 'item.sku',
          price: 'item.price',
          inventory_quantity: 'item.inventory_quantity',
          url: 'event.url',
        },
      },
      {
        id: 'deleted',
        event_types: ['products/delete'],
        entity: 'item',
        operation: 'delete',
        external_id: 'event.id',
        as_of: 'event.updated_at',
      },
    ],
  },
});

const product = (title: string, updatedAt: string, stock: number) => ({
  id: 7,
  title,
  body_html: 'Blue',
  url: 'https://shop.example.com/p/7',
  updated_at: updatedAt,
  variants: [{ id: 71, title: 'M', sku: 'S-71', price: '19.99', inventory_quantity: stock }],
});

function memoryStateVersions(): StateVersions {
  const held = new Map<string, number>();
  return {
    advance(keys, version) {
      if (!(version instanceof Date)) throw new Error('catalog writes are versioned by time');
      const t = version.getTime();
      if (keys.some((k) => (held.get(k) ?? -Infinity) > t)) return Promise.resolve('stale');
      for (const k of keys) held.set(k, t);
      return Promise.resolve('newest');
    },
  };
}

describe('product webhooks to the catalog', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ apiKey: 'pk_e2e' });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('created, updated twice out of order, then deleted: ends deleted, the newest never overwritten', async () => {
    const settings = klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, base_url: mock.url });
    const klaviyo = createKlaviyoClient({ settings, apiKey: () => Promise.resolve('pk_e2e') });
    const stateVersions = memoryStateVersions();
    const clock = fakeClock();
    let n = 0;
    const send = async (eventType: string, payload: unknown) => {
      n += 1;
      const message = webhookReceived({
        source: 'shop',
        id: `d-${n}`,
        eventType,
        receivedAt: '2026-11-23T12:00:00Z',
        payload,
      });
      const { messages } = await mapToKlaviyoMessages(message, source, { event: payload, meta: {} });
      const outcomes = await deliverBatch(recordsOf(messages), {
        klaviyo,
        settings,
        counters: { count: () => undefined },
        log: createLogger('deliver'),
        deadline: clock.now() + 60_000,
        stateVersions,
        now: clock.now,
        sleep: clock.sleep,
      });
      expect([...outcomes.values()].map((o) => o.kind)).toEqual(messages.map(() => 'done'));
    };
    const item = () => mock.catalog().find((e) => e.entity === 'item');
    const variant = () => mock.catalog().find((e) => e.entity === 'variant');

    await send('products/create', product('Shirt', '2026-11-23T09:00:00Z', 5));
    expect(item()?.attributes.title).toBe('Shirt');
    await send('products/update', product('Shirt v3', '2026-11-23T11:00:00Z', 2));
    // The older update arrives after the newer one: nothing changes.
    await send('products/update', product('Shirt v2', '2026-11-23T10:00:00Z', 4));
    expect(item()?.attributes.title).toBe('Shirt v3');
    expect(variant()?.attributes).toMatchObject({ price: 19.99, inventory_quantity: 2 });
    await send('products/delete', { id: 7, updated_at: '2026-11-23T12:00:00Z' });
    expect(item()).toBeUndefined();
  });
});

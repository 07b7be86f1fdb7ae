// The shopify preset's catalog: products and collections become catalog rows alone (no event, no profile upsert),
// versioned by the product's `updated_at`, with URLs on the shop that sent the webhook.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { resolveSourcePreset } from '../../functions/shared/config/presets/resolve.ts';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';
import type { KlaviyoCatalogV1 } from '../../functions/shared/stage/contracts.ts';
import { mapPresetCase } from '../helpers/preset-cases.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const SHOP = 'northwind-outfitters.myshopify.com';

function shopifySource(own: Record<string, unknown> = {}) {
  const resolved = resolveSourcePreset({ preset: 'shopify', secrets: [{ env: 'S' }], ...own }, [
    'sources',
    'shop',
  ]);
  if ('problem' in resolved) throw new Error(resolved.problem.message);
  return sourceSchema().parse(resolved.source);
}

async function mapped(topic: string, fixture: string, own: Record<string, unknown> = {}) {
  const payload = JSON.parse(
    await readFile(`test/fixtures/presets/shopify/${fixture}.json`, 'utf8'),
  ) as unknown;
  const meta = { topic, shop_domain: SHOP };
  const message = webhookReceived({
    source: 'shop',
    id: `d-${topic}`,
    eventType: topic,
    receivedAt: '2026-11-25T12:00:00.000Z',
    meta,
    payload,
  });
  return mapToKlaviyoMessages(message, shopifySource(own), { event: payload, meta });
}

const rows = (messages: readonly { type: string }[]) =>
  messages.filter((m): m is KlaviyoCatalogV1 => m.type === 'klaviyo.catalog');

describe('shopify preset: catalog', () => {
  it('products/create: an item and a variant per variant, versioned by updated_at, and nothing else', async () => {
    const { messages } = await mapped('products/create', 'products-create');
    expect(messages.map((m) => m.type)).toEqual(['klaviyo.catalog', 'klaviyo.catalog', 'klaviyo.catalog']);
    expect(rows(messages).map((r) => [r.entity, r.operation, r.external_id, r.as_of])).toEqual([
      ['item', 'upsert', '8817284612398', '2026-11-02T14:15:00.000Z'],
      ['variant', 'upsert', '46021776310318', '2026-11-02T14:15:00.000Z'],
      ['variant', 'upsert', '46021776343086', '2026-11-02T14:15:00.000Z'],
    ]);
    expect(
      rows(messages)
        .slice(1)
        .map((r) => r.fields?.item),
    ).toEqual(['8817284612398', '8817284612398']);
  });

  it('products/delete: the item deleted, as new as its arrival (the payload has only the id)', async () => {
    const { messages } = await mapped('products/delete', 'products-delete');
    expect(rows(messages)).toEqual([
      expect.objectContaining({
        entity: 'item',
        operation: 'delete',
        external_id: '8817284612398',
        as_of: '2026-11-25T12:00:00.000Z',
      }),
    ]);
    expect(messages).toHaveLength(1);
  });

  it('collections: a category named by the collection, deleted with it', async () => {
    const created = await mapped('collections/create', 'collections-create');
    expect(rows(created.messages)).toEqual([
      expect.objectContaining({
        entity: 'category',
        external_id: '482865238062',
        fields: { name: 'Outerwear' },
        as_of: '2026-11-02T14:20:00.000Z',
      }),
    ]);
    const deleted = await mapped('collections/delete', 'collections-delete');
    expect(rows(deleted.messages).map((r) => [r.entity, r.operation])).toEqual([['category', 'delete']]);
  });

  it('a source replaces the URL by the entry id and keeps the rest of the entry', async () => {
    const { messages } = await mapped('products/create', 'products-create', {
      mapping: {
        catalog: [
          {
            id: 'shopify_product',
            fields: { url: { expr: "'https://shop.example.com/p/' & event.handle" } },
          },
        ],
      },
    });
    const [item] = rows(messages);
    expect(item?.fields).toMatchObject({
      url: 'https://shop.example.com/p/harbor-canvas-jacket',
      title: 'Harbor Canvas Jacket',
      price: 138,
    });
  });

  it('without the shop domain a product has no URL: the webhook fails as mapping_invalid, not half written', async () => {
    const result = await mapPresetCase('shopify', {
      topic: 'products/create',
      headers: ['x-shopify-topic:products/create', 'x-shopify-event-id:evt-no-shop'],
    });
    expect(result.failure?.reason).toBe('mapping_invalid');
    expect(result.requests).toEqual([]);
  });
});

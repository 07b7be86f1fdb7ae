// Mapping to catalog rows (`mapping.catalog`): an entry per entity becomes `klaviyo.catalog` messages — one, or
// one per element of its for_each (a product's variants) — with Klaviyo's fields read as Klaviyo takes them
// (numeric text as numbers), versioned by the product's updated_at; a delete topic deletes; a row without an
// external id is skipped with the reason; one without what Klaviyo needs to create it fails as mapping_invalid;
// a replayed webhook leaves its catalog rows out unless asked, like its profile write.
import { describe, expect, it } from 'vitest';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { isStateWrite } from '../../functions/hydrate/replay-state.ts';
import { overlay } from '../../functions/shared/config/presets/merge.ts';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';
import type { KlaviyoCatalogV1 } from '../../functions/shared/stage/contracts.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';
import { itemUpsert } from '../helpers/catalog-messages.ts';

const RECEIVED = '2026-11-23T10:00:00.000Z';
const product = {
  id: 632910392,
  title: 'IPod Nano - 8GB',
  body_html: '<p>It is the ultimate in portability.</p>',
  handle: 'ipod-nano',
  updated_at: '2026-11-22T09:00:00-05:00',
  image: { src: 'https://cdn.example.com/ipod.png' },
  variants: [
    { id: 808950810, title: 'Pink', sku: 'IPOD2008PINK', price: '199.00', inventory_quantity: 10 },
    { id: 49148385, title: 'Red', sku: 'IPOD2008RED', price: '199.00', inventory_quantity: 0 },
  ],
};

const catalogMapping = {
  profile: { email: ['event.email'] },
  emit: 'none',
  catalog: [
    {
      id: 'product',
      event_types: ['products/create', 'products/update'],
      entity: 'item',
      external_id: 'event.id',
      as_of: 'event.updated_at',
      fields: {
        title: 'event.title',
        description: 'event.body_html',
        url: { expr: "'https://shop.example.com/products/' & event.handle" },
        price: { expr: 'event.variants[0].price' },
        image_full_url: 'event.image.src',
      },
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
        url: { expr: "'https://shop.example.com/products/' & event.handle & '?variant=' & $string(item.id)" },
      },
    },
    {
      id: 'deleted',
      event_types: ['products/delete'],
      entity: 'item',
      operation: 'delete',
      external_id: 'event.id',
    },
  ],
};

const sourceWith = (mapping: Record<string, unknown>) =>
  sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }], mapping });
const map = (eventType: string, payload: unknown, mapping: Record<string, unknown> = catalogMapping) =>
  mapToKlaviyoMessages(
    webhookReceived({ source: 'shop', id: 'd-1', eventType, receivedAt: RECEIVED, payload }),
    sourceWith(mapping),
    { event: payload, meta: {} },
  );
const catalogOf = (messages: readonly { type: string }[]) =>
  messages.filter((m): m is KlaviyoCatalogV1 => m.type === 'klaviyo.catalog');

describe('mapping catalog rows', () => {
  it('makes an item per product and a variant per variant, with numbers as numbers and the product version', async () => {
    const { messages } = await map('products/update', product);
    // emit: none — a product topic is neither an event nor a profile upsert.
    expect(messages.every((m) => m.type === 'klaviyo.catalog')).toBe(true);
    const rows = catalogOf(messages);
    expect(rows.map((r) => [r.entity, r.operation, r.external_id])).toEqual([
      ['item', 'upsert', '632910392'],
      ['variant', 'upsert', '808950810'],
      ['variant', 'upsert', '49148385'],
    ]);
    expect(rows[0]).toMatchObject({
      correlation_id: 'shop:d-1',
      as_of: '2026-11-22T14:00:00.000Z',
      fields: {
        title: 'IPod Nano - 8GB',
        url: 'https://shop.example.com/products/ipod-nano',
        price: 199,
        image_full_url: 'https://cdn.example.com/ipod.png',
      },
    });
    expect(rows[2]?.fields).toMatchObject({
      item: '632910392',
      sku: 'IPOD2008RED',
      price: 199,
      inventory_quantity: 0,
      url: 'https://shop.example.com/products/ipod-nano?variant=49148385',
    });
  });

  it('deletes on a delete topic, with the received time as the version when the mapping gives none', async () => {
    const rows = catalogOf((await map('products/delete', { id: 632910392 })).messages);
    expect(rows).toEqual([
      expect.objectContaining({
        entity: 'item',
        operation: 'delete',
        external_id: '632910392',
        as_of: RECEIVED,
      }),
    ]);
    expect(rows[0]).not.toHaveProperty('fields');
  });

  it('skips a row without an external id, with the reason, and keeps the others', async () => {
    const payload = { ...product, variants: [{ ...product.variants[0], id: null }, product.variants[1]] };
    const { messages, skipped } = await map('products/update', payload);
    expect(catalogOf(messages).map((r) => r.external_id)).toEqual(['632910392', '49148385']);
    expect(skipped).toEqual([
      {
        where: 'sources.shop.mapping.catalog[1][0].external_id',
        reason: 'no external id (a non-empty text or a number)',
      },
    ]);
  });

  it('fails the webhook as mapping_invalid when an upsert lacks what Klaviyo needs to create the row', async () => {
    const noDescription: Partial<typeof product> = { ...product };
    delete noDescription.body_html;
    await expect(map('products/update', noDescription)).rejects.toMatchObject({
      reason: 'mapping_invalid',
      message: 'sources.shop.mapping.catalog[0]: mapped catalog row does not match the contract',
    });
  });

  it('refuses an entry field Klaviyo does not take, when the configuration loads', () => {
    const bad = {
      ...catalogMapping,
      catalog: [{ ...catalogMapping.catalog[0], fields: { colour: 'event.c' } }],
    };
    expect(() => sourceWith(bad)).toThrow();
  });

  it('counts catalog rows as state a replay leaves out unless asked', () => {
    expect(isStateWrite(itemUpsert('x'))).toBe(true);
  });

  it("lets a source's entry override its preset's entry of the same id, field by field", () => {
    const preset = {
      catalog: [{ id: 'product', entity: 'item', external_id: 'event.id', fields: { title: 'event.title' } }],
    };
    const own = {
      catalog: [
        { id: 'product', fields: { title: 'event.name' } },
        { id: 'extra', entity: 'category' },
      ],
    };
    expect(overlay(preset, own)).toEqual({
      catalog: [
        { id: 'product', entity: 'item', external_id: 'event.id', fields: { title: 'event.name' } },
        { id: 'extra', entity: 'category' },
      ],
    });
  });
});

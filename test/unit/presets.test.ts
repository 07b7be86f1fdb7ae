// Presets resolved when the document is parsed: the source's own settings over the preset's (objects by key,
// events by id, hydration steps by name), a preset for another kind refused, every preset valid on its own.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseRelayConfig,
  validateRelayConfig,
} from '../../functions/shared/config/relay-config.ts';
import { overlay } from '../../functions/shared/config/presets/merge.ts';
import { PRESET_KINDS, PRESET_NAMES, PRESETS } from '../../functions/shared/config/presets/index.ts';

const documentWith = (source: Record<string, unknown>) => ({
  version: 1,
  sources: { shop: { secrets: [{ env: 'SHOP_SECRET' }], ...source } },
  klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
});
const parse = (source: Record<string, unknown>) =>
  parseRelayConfig(JSON.stringify(documentWith(source)), 'test');

describe('presets', () => {
  it.each(PRESET_NAMES)('%s: valid with what only the source can give, and takes its kind', (name) => {
    const own: Record<string, unknown> = { preset: name };
    for (const { path, example } of PRESETS[name].requires ?? []) {
      // Build the nested object the requirement names, e.g. hydration.connections.store.auth.
      const leaf = path.slice(0, -1).reduce<Record<string, unknown>>((node, key) => {
        node[key] ??= {};
        return node[key] as Record<string, unknown>;
      }, own);
      leaf[path[path.length - 1] ?? ''] = example;
    }
    const source = parse(own).sources.shop;
    expect(source?.kind).toBe(PRESETS[name].kind);
    expect(source?.preset).toBe(name);
  });

  it.each(PRESET_NAMES)(
    "%s: the kind ingest and deliver take for it (preset-names.ts) is the preset's own",
    (name) => {
      expect(PRESET_KINDS[name]).toBe(PRESETS[name].kind);
    },
  );

  it('takes the kind from the preset, and refuses a preset for another kind', () => {
    expect(parse({ kind: 'shopify', preset: 'shopify' }).sources.shop?.kind).toBe('shopify');
    const refused = validateRelayConfig(documentWith({ kind: 'stripe', preset: 'shopify' }));
    expect(refused).toEqual({
      success: false,
      problems: [
        {
          path: 'sources.shop.preset',
          message: 'the shopify preset reads shopify webhooks; this source\'s kind is "stripe"',
        },
      ],
    });
    expect(() => parse({ preset: 'magento' })).toThrow(ConfigError);
    expect(() => parse({ preset: 'magento' })).toThrow(
      /sources\.shop\.preset: unknown preset; one of shopify/,
    );
  });

  it('a source overrides its preset field by field: events by id, steps by name, objects by key', () => {
    const source = parse({
      preset: 'shopify',
      hydration: {
        connections: {
          admin: { base_url: 'http://127.0.0.1:9000/admin', auth: { kind: 'bearer', secret: { env: 'T' } } },
        },
      },
      mapping: {
        metric_by_event_type: {},
        profile: { phone_number: [] },
        events: [
          { id: 'placed_order', metric: 'Order Placed', properties: { Channel: 'event.source_name' } },
          { id: 'paid_order', metric: 'Paid Order', event_types: ['orders/paid'], include: [] },
        ],
      },
    }).sources.shop;
    const connection = source?.hydration?.connections?.admin;
    expect(connection?.base_url).toBe('http://127.0.0.1:9000/admin');
    expect(connection?.auth).toEqual({ kind: 'bearer', secret: { env: 'T' } });
    // The preset's params stay: only what the source names is replaced.
    expect(connection?.params).toEqual(PRESETS.shopify.hydration?.connections?.admin?.params);
    const events = source?.mapping.events ?? [];
    expect(events.map((e) => e.id)).toEqual([
      'placed_order',
      'ordered_product',
      'fulfilled_order',
      'cancelled_order',
      'refunded_order',
      'started_checkout',
      'paid_order',
    ]);
    expect(events[0]?.metric).toBe('Order Placed');
    expect(events[0]?.properties?.Channel).toBe('event.source_name');
    expect(events[0]?.properties?.OrderId).toBe('event.id');
    expect(events[0]?.keep?.Items).toBeDefined();
    expect(source?.mapping.profile.phone_number).toEqual([]);
    expect(source?.mapping.profile.email).toEqual(PRESETS.shopify.mapping.profile?.email);
  });

  it('replaces whole what is one setting: an expression, an auth, a list', () => {
    expect(overlay({ value: { expr: 'a' } }, { value: 'event.total' })).toEqual({ value: 'event.total' });
    expect(overlay({ a: { kind: 'header', header: 'x', secret: 1 } }, { auth: { kind: 'bearer' } })).toEqual({
      a: { kind: 'header', header: 'x', secret: 1 },
      auth: { kind: 'bearer' },
    });
    expect(
      overlay({ auth: { kind: 'header', header: 'x', secret: 1 } }, { auth: { kind: 'bearer', secret: 2 } }),
    ).toEqual({ auth: { kind: 'bearer', secret: 2 } });
    expect(overlay({ include: ['event', 'order'] }, { include: ['event'] })).toEqual({ include: ['event'] });
    expect(
      overlay({ steps: [{ name: 'a', path: '/a' }] }, { steps: [{ name: 'a', pick: 'x' }, { name: 'b' }] }),
    ).toEqual({
      steps: [{ name: 'a', path: '/a', pick: 'x' }, { name: 'b' }],
    });
  });

  it('leaves the shared preset objects untouched by a source that overrides them', () => {
    const before = JSON.stringify(PRESETS.shopify);
    parse({ preset: 'shopify', mapping: { events: [{ id: 'placed_order', metric: 'X' }] } });
    expect(JSON.stringify(PRESETS.shopify)).toBe(before);
  });
});

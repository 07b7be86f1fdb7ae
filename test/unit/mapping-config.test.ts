// The mapping section of the configuration: what it accepts, and how it refuses a bad expression — at load,
// naming the source and the field, through the same loader every function uses.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfigLoader } from '../../functions/shared/config/loader.ts';
import { ConfigError, parseRelayConfig } from '../../functions/shared/config/relay-config.ts';

const documentWith = (mapping: unknown) => ({
  version: 1,
  sources: { orders: { kind: 'shopify', secrets: [{ ssm: '/relay/shopify' }], mapping } },
  klaviyo: { api_key: { ssm: '/relay/klaviyo' } },
});

function problemsOf(mapping: unknown): string {
  try {
    parseRelayConfig(JSON.stringify(documentWith(mapping)), 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
}

describe('mapping configuration', () => {
  it('refuses an expression that does not parse at load, naming the source and the field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mapping-config-'));
    const file = path.join(dir, 'relay.json');
    const mapping = {
      events: [
        { metric: 'Placed Order' },
        { metric: 'Ordered Product', for_each: 'event.line_items', value: { expr: '$sum(item.price *' } },
      ],
    };
    await writeFile(file, JSON.stringify(documentWith(mapping)));
    const error = await createConfigLoader(parseRelayConfig, { RELAY_CONFIG_FILE: file })().catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /sources\.orders\.mapping\.events\.1\.value\.expr: JSONata syntax error at character \d+/,
    );
  });

  it('names the field of a bad expression wherever it sits', () => {
    expect(problemsOf({ filter: { expr: 'event.test = ' } })).toContain(
      'sources.orders.mapping.filter.expr: JSONata syntax error',
    );
    expect(problemsOf({ profile: { email: ['event.email', { expr: '"open' }] } })).toContain(
      'sources.orders.mapping.profile.email.1.expr: JSONata syntax error',
    );
    expect(problemsOf({ keep: { Items: { expr: '[event.items' } } })).toContain(
      'sources.orders.mapping.keep.Items.expr',
    );
    expect(problemsOf({ metric: { expr: '(' } })).toContain('sources.orders.mapping.metric.expr');
  });

  it('accepts the order example and every earlier form (literal metric, dot paths)', () => {
    return readFile('samples/order-mapping.json', 'utf8').then((text) => {
      const config = parseRelayConfig(JSON.stringify(documentWith(JSON.parse(text))), 'x');
      expect(config.sources.orders?.mapping.events).toHaveLength(2);
      const plain = parseRelayConfig(
        JSON.stringify(
          documentWith({
            metric: 'Order',
            value: 'event.total',
            time: 'event.at',
            profile_attributes: { first_name: 'event.first' },
          }),
        ),
        'x',
      );
      expect(plain.sources.orders?.mapping).toMatchObject({
        metric: 'Order',
        value: 'event.total',
        time: 'event.at',
      });
    });
  });

  it('refuses single-event fields beside events, a key without for_each, repeated ids and Klaviyo’s $ names', () => {
    expect(problemsOf({ value: 'event.total', events: [{ metric: 'A' }] })).toContain(
      'sources.orders.mapping.value: value belongs on each entry of events when events is set',
    );
    expect(problemsOf({ events: [{ metric: 'A', key: 'item.id' }] })).toContain(
      'sources.orders.mapping.events.0.key: key needs for_each',
    );
    expect(
      problemsOf({
        events: [
          { metric: 'A', id: 'x' },
          { metric: 'B', id: 'x' },
        ],
      }),
    ).toContain('sources.orders.mapping.events.1.id: events[1] has the id "x" of an earlier event');
    expect(problemsOf({ events: [{ metric: 'A' }, { metric: 'B', id: '0' }] })).toContain('events.1.id');
    expect(problemsOf({ properties: { $value: 'event.total' } })).toContain('must not start with $');
    expect(problemsOf({ events: [] })).toContain('sources.orders.mapping.events');
    expect(problemsOf({ backfill: 'yes' })).toContain('sources.orders.mapping.backfill');
  });
});

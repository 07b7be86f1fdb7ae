// The hydration section of the configuration: today's single base_url/auth form parses as before; the new
// connections, auth kinds and step fields are checked at load, each problem named by its path.
import { describe, expect, it } from 'vitest';
import { hydrationSchema } from '../../functions/shared/config/relay-config.ts';

const problems = (value: unknown): string[] => {
  const result = hydrationSchema().safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('hydration configuration', () => {
  it('today’s form parses as it did: one base_url, a header auth, GET steps', () => {
    const parsed = hydrationSchema().parse({
      base_url: 'https://api.test',
      auth: { header: 'authorization', prefix: 'Bearer ', secret: { env: 'T' } },
      steps: [{ name: 'customer', path: '/customers/{event.customer}' }],
    });
    expect(parsed).toEqual({
      base_url: 'https://api.test',
      auth: { header: 'authorization', prefix: 'Bearer ', secret: { env: 'T' } },
      timeout_ms: 5_000,
      steps: [{ name: 'customer', method: 'GET', path: '/customers/{event.customer}', cache_ttl_seconds: 0 }],
    });
  });

  it('takes named connections with every auth kind, and steps naming them', () => {
    expect(
      problems({
        connections: {
          store: {
            base_url: 'https://api.bigcommerce.com/stores/{meta.store_hash}/v2',
            auth: { kind: 'header', header: 'X-Auth-Token', secret: { ssm: '/bc' } },
          },
          shop: {
            base_url: 'https://{meta.shop}.myshopify.com/admin/api/2025-01',
            auth: { kind: 'bearer', secret: { env: 'A' } },
          },
          woo: {
            base_url: 'https://shop.test/wp-json/wc/v3',
            auth: { kind: 'basic', user: 'ck_1', password: { env: 'B' } },
          },
          keyed: {
            base_url: 'https://api.test',
            auth: { kind: 'query', param: 'api_key', secret: { env: 'C' } },
            timeout_ms: 2_000,
          },
        },
        steps: [
          { name: 'order', connection: 'store', path: '/orders/{event.data.id}', cache_ttl_seconds: 60 },
          {
            name: 'gql',
            connection: 'shop',
            method: 'POST',
            path: '/graphql.json',
            body: { query: '{ shop { name } }', variables: { id: { expr: "'gid://' & event.id" } } },
            pick: { expr: 'data.shop' },
          },
          {
            name: 'products',
            connection: 'woo',
            path: '/products/{item.product_id}',
            when: { expr: '$count(event.line_items) > 0' },
            for_each: { items: 'event.line_items', concurrency: 3 },
          },
          { name: 'all', connection: 'keyed', path: '/x', paginate: { next: 'link_header', max_pages: 5 } },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses what cannot work, naming the field', () => {
    const step = { name: 'a', path: '/a' };
    const cases: [unknown, RegExp][] = [
      [{ steps: [step] }, /base_url: set base_url \(one connection\) or connections/],
      [
        { base_url: 'https://a.test', connections: { x: { base_url: 'https://a.test' } }, steps: [step] },
        /base_url/,
      ],
      [
        {
          connections: { x: { base_url: 'https://a.test' }, y: { base_url: 'https://b.test' } },
          steps: [step],
        },
        /steps: each step names a configured connection/,
      ],
      [
        { connections: { x: { base_url: 'https://a.test' } }, steps: [{ ...step, connection: 'nope' }] },
        /steps/,
      ],
      [{ base_url: 'https://{meta.host}/api', steps: [step] }, /base_url/],
      [{ base_url: 'https://api.{meta.tld}', steps: [step] }, /base_url/],
      [{ base_url: 'http://{meta.x}.example.com', steps: [step] }, /base_url/],
      [
        { base_url: 'https://a.test', steps: [{ ...step, body: { q: 1 } }] },
        /body: a body needs method POST/,
      ],
      [
        { base_url: 'https://a.test', steps: [{ ...step, method: 'POST', body: { v: { expr: '$$$(' } } }] },
        /body\.v\.expr: JSONata syntax error/,
      ],
      [{ base_url: 'https://a.test', steps: [{ ...step, when: { expr: 'a +' } }] }, /when/],
      [{ base_url: 'https://a.test', steps: [{ ...step, pick: 'not a path!' }] }, /pick/],
      [
        {
          base_url: 'https://a.test',
          steps: [{ ...step, method: 'POST', paginate: { next: 'link_header' } }],
        },
        /paginate: pagination follows GET steps only/,
      ],
      [{ base_url: 'https://a.test', steps: [{ ...step, paginate: { next: 'cursor' } }] }, /cursor_param/],
      [{ base_url: 'https://a.test', steps: [{ ...step, paginate: { next: 'next_url' } }] }, /next_url_path/],
      [
        {
          base_url: 'https://a.test',
          steps: [{ ...step, paginate: { next: 'link_header', max_pages: 51 } }],
        },
        /max_pages/,
      ],
      [
        { base_url: 'https://a.test', steps: [{ ...step, for_each: { items: 'x', concurrency: 11 } }] },
        /concurrency/,
      ],
      [{ base_url: 'https://a.test', steps: [{ ...step, cache_ttl_seconds: 3_601 }] }, /cache_ttl_seconds/],
      [
        { base_url: 'https://a.test', auth: { kind: 'basic', password: { env: 'P' } }, steps: [step] },
        /auth/,
      ],
      [
        {
          base_url: 'https://a.test',
          auth: { kind: 'basic', user: 'u', user_secret: { env: 'U' }, password: { env: 'P' } },
          steps: [step],
        },
        /auth/,
      ],
      [
        {
          base_url: 'https://a.test',
          auth: { kind: 'query', param: 'a b', secret: { env: 'K' } },
          steps: [step],
        },
        /auth/,
      ],
      [
        {
          base_url: 'https://a.test',
          auth: { kind: 'bearer', header: 'x', secret: { env: 'K' } },
          steps: [step],
        },
        /auth/,
      ],
    ];
    for (const [value, expected] of cases) {
      expect(problems(value).join('\n'), JSON.stringify(value)).toMatch(expected);
    }
  });
});

describe('the hydration reference (docs/hydration.md)', () => {
  it('every JSON example parses', async () => {
    const { readFile } = await import('node:fs/promises');
    const page = await readFile('docs/hydration.md', 'utf8');
    const section = page.slice(page.indexOf('## Hydration reference'));
    const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks).toHaveLength(3);
    for (const block of blocks) {
      const { hydration } = JSON.parse(`{${block}}`) as { hydration: unknown };
      expect(problems(hydration), block.slice(0, 80)).toEqual([]);
    }
  });
});

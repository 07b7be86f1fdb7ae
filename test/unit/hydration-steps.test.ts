// The hydration step runner with an injected fetch: connections and auth kinds, POST bodies, GraphQL answers,
// when / for_each / pick / params, pagination, and the instance cache with coalescing.
import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../functions/hydrate/hydration/response-cache.ts';
import { runHydrationSteps, type StepRunnerPorts } from '../../functions/hydrate/hydration/step-runner.ts';
import type { Fetch } from '../../functions/hydrate/source-api.ts';
import { createSourcePacers, SourcePacer } from '../../functions/hydrate/source-pacer.ts';
import { hydrationSchema } from '../../functions/shared/config/relay-config.ts';
import { DeferredError, PermanentError } from '../../functions/shared/stage/errors.ts';
import type { SecretRef } from '../../functions/shared/config/relay-config.ts';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const urlOf = (input: Parameters<Fetch>[0]): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/** A fetch that records each call and answers with `answer(call)` (a Response or JSON to send with 200). */
function recorder(answer: (call: Call) => unknown) {
  const calls: Call[] = [];
  const fetch: Fetch = (input, init) => {
    const call: Call = {
      method: init?.method ?? 'GET',
      url: urlOf(input),
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    calls.push(call);
    const out = answer(call);
    return Promise.resolve(out instanceof Response ? out : Response.json(out));
  };
  return { calls, fetch };
}

const secrets: Record<string, string> = { TOKEN: 'tok-123456', KEY: 'key-SECRET-987', USER: 'svc-user' };
const resolveSecret = (ref: SecretRef) =>
  Promise.resolve('env' in ref ? (secrets[ref.env] ?? 'missing') : 'missing');

function ports(fetch: Fetch, extra: Partial<StepRunnerPorts> = {}): StepRunnerPorts {
  return { fetch, resolveSecret, now: () => 0, ...extra };
}

async function run(hydration: unknown, context: Record<string, unknown>, p: StepRunnerPorts) {
  await runHydrationSteps('shop', hydrationSchema().parse(hydration), context, p);
  return context;
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('connections and auth', () => {
  it('fills a base URL template from the context, and each step calls its connection with its auth', async () => {
    const { calls, fetch } = recorder((call) => ({ url: call.url }));
    const context = await run(
      {
        connections: {
          bigcommerce: {
            base_url: 'https://api.bigcommerce.com/stores/{meta.store_hash}/v2',
            auth: { header: 'X-Auth-Token', secret: { env: 'TOKEN' } },
          },
          catalog: {
            base_url: 'https://api.bigcommerce.com/stores/{meta.store_hash}/v3',
            auth: { kind: 'bearer', secret: { env: 'TOKEN' } },
          },
        },
        steps: [
          { name: 'order', connection: 'bigcommerce', path: '/orders/{event.data.id}' },
          { name: 'product', connection: 'catalog', path: '/catalog/products/{event.data.product}' },
        ],
      },
      { event: { data: { id: 7, product: 'p 1' } }, meta: { store_hash: 'ab/c' } },
      ports(fetch),
    );
    expect(calls.map((c) => c.url)).toEqual([
      'https://api.bigcommerce.com/stores/ab%2Fc/v2/orders/7',
      'https://api.bigcommerce.com/stores/ab%2Fc/v3/catalog/products/p%201',
    ]);
    expect(calls[0]?.headers['X-Auth-Token']).toBe('tok-123456');
    expect(calls[1]?.headers.authorization).toBe('Bearer tok-123456');
    expect(context.order).toEqual({ url: calls[0]?.url });
  });

  it('a host placeholder fills one DNS label only', async () => {
    const { calls, fetch } = recorder(() => ({}));
    const hydration = {
      base_url: 'https://{meta.shop}.myshopify.com/admin/api/2025-01',
      steps: [{ name: 'order', path: '/orders/{event.id}.json' }],
    };
    await run(hydration, { event: { id: 1 }, meta: { shop: 'my-shop' } }, ports(fetch));
    expect(calls[0]?.url).toBe('https://my-shop.myshopify.com/admin/api/2025-01/orders/1.json');
    for (const shop of ['evil.com#', 'a.b', 'x@evil.com', '']) {
      const error = await failure(run(hydration, { event: { id: 1 }, meta: { shop } }, ports(fetch)));
      expect(error, shop).toBeInstanceOf(PermanentError);
    }
    expect(calls).toHaveLength(1);
  });

  it('basic auth: a literal user or a user reference, the password from a reference', async () => {
    const { calls, fetch } = recorder(() => ({}));
    const base = { base_url: 'https://api.test', steps: [{ name: 'a', path: '/a' }] };
    await run({ ...base, auth: { kind: 'basic', user: 'ck_1', password: { env: 'KEY' } } }, {}, ports(fetch));
    await run(
      { ...base, auth: { kind: 'basic', user_secret: { env: 'USER' }, password: { env: 'KEY' } } },
      {},
      ports(fetch),
    );
    const decode = (h: string | undefined) =>
      Buffer.from((h ?? '').replace('Basic ', ''), 'base64').toString();
    expect(decode(calls[0]?.headers.authorization)).toBe('ck_1:key-SECRET-987');
    expect(decode(calls[1]?.headers.authorization)).toBe('svc-user:key-SECRET-987');
  });

  it('query auth: the key goes in the URL sent, never in an error message or its detail', async () => {
    const { calls, fetch } = recorder((call) => new Response(`no such thing: ${call.url}`, { status: 404 }));
    const hydration = {
      base_url: 'https://api.test/v1',
      auth: { kind: 'query', param: 'api_key', secret: { env: 'KEY' } },
      steps: [{ name: 'a', path: '/orders/{event.id}?expand=items' }],
    };
    const error = await failure(run(hydration, { event: { id: 5 } }, ports(fetch)));
    expect(calls[0]?.url).toBe('https://api.test/v1/orders/5?expand=items&api_key=key-SECRET-987');
    expect(error).toBeInstanceOf(PermanentError);
    const shown = JSON.stringify({
      message: (error as Error).message,
      detail: (error as PermanentError).detail,
    });
    expect(shown).toContain('/orders/5');
    expect(shown).not.toContain('key-SECRET-987');
  });

  it('query auth: a redirect echoing the key is followed without showing it', async () => {
    const { fetch } = recorder((call) =>
      new URL(call.url).pathname === '/loop'
        ? new Response(null, { status: 302, headers: { location: `/loop?api_key=key-SECRET-987` } })
        : {},
    );
    const error = await failure(
      run(
        {
          base_url: 'https://api.test',
          auth: { kind: 'query', param: 'api_key', secret: { env: 'KEY' } },
          steps: [{ name: 'a', path: '/loop' }],
        },
        {},
        ports(fetch),
      ),
    );
    expect(error).toMatchObject({ reason: 'source_api_too_many_redirects' });
    expect(JSON.stringify([(error as Error).message, (error as PermanentError).detail])).not.toContain(
      'key-SECRET-987',
    );
  });

  it('paces per connection origin: two connections on two origins use two pacers', async () => {
    const { fetch } = recorder(() => ({}));
    const keys: string[] = [];
    const pacers = createSourcePacers();
    await run(
      {
        connections: { a: { base_url: 'https://a.test' }, b: { base_url: 'https://b.test/v2' } },
        steps: [
          { name: 'x', connection: 'a', path: '/x' },
          { name: 'y', connection: 'b', path: '/y' },
        ],
      },
      {},
      ports(fetch, { pacers: (key, rps) => (keys.push(key), pacers(key, rps)) }),
    );
    expect(keys).toEqual(['shop https://a.test', 'shop https://b.test']);
  });
});

describe('steps', () => {
  it('POSTs a JSON body filled from the context; literal text (a GraphQL query) is kept as written', async () => {
    const { calls, fetch } = recorder(() => ({ data: { order: { name: '#1001' } } }));
    const context = await run(
      {
        base_url: 'https://shop.myshopify.com/admin/api/2025-01',
        steps: [
          {
            name: 'order',
            method: 'POST',
            path: '/graphql.json',
            body: {
              query: 'query($id: ID!) { order(id: $id) { name } }',
              variables: {
                id: { expr: "'gid://shopify/Order/' & event.id" },
                missing: { path: 'event.nope' },
              },
              raw: { literal: { expr: 'kept' } },
            },
            pick: 'data.order',
          },
        ],
      },
      { event: { id: 42 } },
      ports(fetch),
    );
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      query: 'query($id: ID!) { order(id: $id) { name } }',
      variables: { id: 'gid://shopify/Order/42' },
      raw: { expr: 'kept' },
    });
    expect(context.order).toEqual({ name: '#1001' });
  });

  const graphqlStep = {
    base_url: 'https://shop.myshopify.com/admin/api/2025-01',
    steps: [{ name: 'order', method: 'POST', path: '/graphql.json', body: { query: '{ shop { name } }' } }],
  };

  it('GraphQL errors with HTTP 200 are permanent failures carrying the message', async () => {
    const { fetch } = recorder(() => ({
      data: null,
      errors: [
        { message: "Field 'nope' doesn't exist on type 'Order'", extensions: { code: 'undefinedField' } },
      ],
    }));
    const error = await failure(run(graphqlStep, {}, ports(fetch)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason: 'source_api_graphql_error' });
    expect((error as Error).message).toContain("Field 'nope' doesn't exist");
  });

  it('GraphQL THROTTLED with HTTP 200 is deferred for the time the cost figures say', async () => {
    const { fetch } = recorder(() => ({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
      extensions: {
        cost: {
          requestedQueryCost: 202,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 },
        },
      },
    }));
    const error = await failure(run(graphqlStep, {}, ports(fetch)));
    expect(error).toBeInstanceOf(DeferredError);
    expect(error).toMatchObject({ reason: 'source_api_throttled', retryAfterSeconds: 2 });

    // With a pacer, the wait blocks the connection, and the deferral takes the next place after it.
    let now = 0;
    const pacer = new SourcePacer({ now: () => now, maxWaitMs: 500 });
    const paced = await failure(run(graphqlStep, {}, ports(fetch, { pacers: () => pacer, now: () => now })));
    expect(paced).toMatchObject({ name: 'DeferredError', retryAfterSeconds: 2 });
    now += 100;
    await expect(pacer.acquire(Number.POSITIVE_INFINITY)).rejects.toMatchObject({
      reason: 'source_api_paced',
    });
  });

  it('a REST step keeps an `errors` field as data; graphql: true opts a GET in', async () => {
    const { fetch } = recorder(() => ({ errors: ['not ours to judge'] }));
    const rest = { base_url: 'https://api.test', steps: [{ name: 'a', path: '/a' }] };
    await expect(run(rest, {}, ports(fetch))).resolves.toMatchObject({
      a: { errors: ['not ours to judge'] },
    });
    const opted = { base_url: 'https://api.test', steps: [{ name: 'a', path: '/a', graphql: true }] };
    await expect(run(opted, {}, ports(fetch))).rejects.toMatchObject({ reason: 'source_api_graphql_error' });
  });

  it('when false skips the step: no call, nothing stored', async () => {
    const { calls, fetch } = recorder(() => ({ id: 1 }));
    const hydration = {
      base_url: 'https://api.test',
      steps: [
        { name: 'customer', path: '/customers/{event.customer_id}', when: { expr: 'event.customer_id > 0' } },
        { name: 'email', path: '/x', when: 'event.has_email' },
      ],
    };
    const context = await run(hydration, { event: { customer_id: 0 } }, ports(fetch));
    expect(calls).toEqual([]);
    expect(Object.keys(context)).toEqual(['event']);
    await run(hydration, { event: { customer_id: 3, has_email: true } }, ports(fetch));
    expect(calls.map((c) => c.url)).toEqual(['https://api.test/customers/3', 'https://api.test/x']);
  });

  it('for_each: one call per element, at most `concurrency` in flight, results in order, picked', async () => {
    let inFlight = 0;
    let most = 0;
    const calls: string[] = [];
    const fetch: Fetch = async (input) => {
      calls.push(urlOf(input));
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      const id = urlOf(input).split('/').at(-1);
      return Response.json({ data: { id, sku: `sku-${id}` } });
    };
    const context = await run(
      {
        base_url: 'https://api.test',
        steps: [
          {
            name: 'products',
            path: '/catalog/products/{line.product_id}',
            for_each: { items: 'event.line_items', as: 'line', concurrency: 2 },
            pick: 'data.sku',
          },
        ],
      },
      { event: { line_items: [1, 2, 3, 4, 5].map((n) => ({ product_id: n })) } },
      ports(fetch),
    );
    expect(calls).toHaveLength(5);
    expect(most).toBe(2);
    expect(context.products).toEqual(['sku-1', 'sku-2', 'sku-3', 'sku-4', 'sku-5']);
  });

  it('for_each: a missing list is no calls; a list over max_items is permanent', async () => {
    const { calls, fetch } = recorder(() => ({}));
    const hydration = {
      base_url: 'https://api.test',
      steps: [{ name: 'p', path: '/p/{item}', for_each: { items: 'event.ids', max_items: 2 } }],
    };
    await expect(run(hydration, { event: {} }, ports(fetch))).resolves.toMatchObject({ p: [] });
    await expect(run(hydration, { event: { ids: [1, 2, 3] } }, ports(fetch))).rejects.toMatchObject({
      reason: 'hydration_for_each_too_many',
    });
    await expect(run(hydration, { event: { ids: 'x' } }, ports(fetch))).rejects.toMatchObject({
      reason: 'hydration_for_each_not_list',
    });
    expect(calls).toEqual([]);
  });

  it('params: values computed by expression, used as {params.name}', async () => {
    const { calls, fetch } = recorder(() => ({}));
    await run(
      {
        base_url: 'https://api.test',
        steps: [
          {
            name: 'c',
            path: '/customers/{params.id}?since={params.since}',
            params: { id: { expr: '$substringAfter(event.gid, "Customer/")' }, since: 'meta.since' },
          },
        ],
      },
      { event: { gid: 'gid://shopify/Customer/77' }, meta: { since: '2026-01-01' } },
      ports(fetch),
    );
    expect(calls[0]?.url).toBe('https://api.test/customers/77?since=2026-01-01');
  });
});

describe('connection params', () => {
  it('a connection’s params fill its base URL for every step; a step’s own params win', async () => {
    const { calls, fetch } = recorder(() => ({}));
    await run(
      {
        connections: {
          store: {
            base_url: 'https://api.bigcommerce.com/stores/{params.store_hash}/v2',
            params: { store_hash: { expr: "$substringAfter(meta.producer, 'stores/')" }, kind: 'meta.scope' },
          },
        },
        steps: [
          { name: 'order', path: '/orders/{event.data.id}?scope={params.kind}' },
          { name: 'other', path: '/x', params: { store_hash: 'event.other_store' } },
        ],
      },
      {
        event: { data: { id: 9 }, other_store: 'zz9' },
        meta: { producer: 'stores/abc123', scope: 'store/order/created' },
      },
      ports(fetch),
    );
    expect(calls.map((c) => c.url)).toEqual([
      'https://api.bigcommerce.com/stores/abc123/v2/orders/9?scope=store%2Forder%2Fcreated',
      'https://api.bigcommerce.com/stores/zz9/v2/x',
    ]);
  });
});

describe('pagination', () => {
  const linkPages = (pages: number, origin = 'https://api.test') =>
    recorder((call) => {
      const page = Number(new URL(call.url).searchParams.get('page') ?? '1');
      const headers: Record<string, string> =
        page < pages ? { link: `<${origin}/items?page=${page + 1}>; rel="next"` } : {};
      return new Response(JSON.stringify({ items: [`p${page}a`, `p${page}b`] }), { headers });
    });

  it('follows Link rel="next", concatenating the items', async () => {
    const { calls, fetch } = linkPages(3);
    const context = await run(
      {
        base_url: 'https://api.test',
        steps: [{ name: 'all', path: '/items', paginate: { next: 'link_header', items: 'items' } }],
      },
      {},
      ports(fetch),
    );
    expect(calls).toHaveLength(3);
    expect(context.all).toEqual(['p1a', 'p1b', 'p2a', 'p2b', 'p3a', 'p3b']);
  });

  it('stops at max_pages and says so', async () => {
    const { calls, fetch } = linkPages(10);
    const notices: unknown[] = [];
    const context = await run(
      {
        base_url: 'https://api.test',
        steps: [
          { name: 'all', path: '/items', paginate: { next: 'link_header', items: 'items', max_pages: 2 } },
        ],
      },
      {},
      ports(fetch, { notice: (message, detail) => notices.push({ message, ...detail }) }),
    );
    expect(calls).toHaveLength(2);
    expect(context.all).toEqual(['p1a', 'p1b', 'p2a', 'p2b']);
    expect(notices).toEqual([expect.objectContaining({ step: 'all', max_pages: 2 })]);
  });

  it('refuses a next link to another origin, before calling it', async () => {
    const { calls, fetch } = linkPages(3, 'https://elsewhere.test');
    const error = await failure(
      run(
        {
          base_url: 'https://api.test',
          auth: { kind: 'bearer', secret: { env: 'TOKEN' } },
          steps: [{ name: 'all', path: '/items', paginate: { next: 'link_header', items: 'items' } }],
        },
        {},
        ports(fetch),
      ),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason: 'source_api_next_cross_origin' });
    expect(calls.map((c) => new URL(c.url).origin)).toEqual(['https://api.test']);
  });

  it('has_more with a cursor parameter (Stripe: starting_after the last id)', async () => {
    const data = ['li_1', 'li_2', 'li_3', 'li_4', 'li_5'].map((id) => ({ id }));
    const { calls, fetch } = recorder((call) => {
      const after = new URL(call.url).searchParams.get('starting_after');
      const start = after === null ? 0 : data.findIndex((d) => d.id === after) + 1;
      return { object: 'list', data: data.slice(start, start + 2), has_more: start + 2 < data.length };
    });
    const context = await run(
      {
        base_url: 'https://api.stripe.test/v1',
        steps: [
          {
            name: 'line_items',
            path: '/checkout/sessions/{event.data.object.id}/line_items?limit=2',
            paginate: {
              next: 'cursor',
              items: 'data',
              has_more_path: 'has_more',
              cursor_param: 'starting_after',
              cursor_path: 'id',
            },
          },
        ],
      },
      { event: { data: { object: { id: 'cs_1' } } } },
      ports(fetch),
    );
    expect(calls).toHaveLength(3);
    expect(calls[1]?.url).toBe(
      'https://api.stripe.test/v1/checkout/sessions/cs_1/line_items?limit=2&starting_after=li_2',
    );
    expect(context.line_items).toEqual(data);
  });

  it('a next URL in the page (relative or absolute, same origin)', async () => {
    const { calls, fetch } = recorder((call) =>
      call.url.endsWith('/a') ? { results: [1], next: '/b' } : { results: [2], next: null },
    );
    const context = await run(
      {
        base_url: 'https://api.test',
        steps: [
          { name: 'r', path: '/a', paginate: { next: 'next_url', next_url_path: 'next', items: 'results' } },
        ],
      },
      {},
      ports(fetch),
    );
    expect(calls.map((c) => c.url)).toEqual(['https://api.test/a', 'https://api.test/b']);
    expect(context.r).toEqual([1, 2]);
  });
});

describe('cache and coalescing', () => {
  const hydration = (ttl: number) => ({
    base_url: 'https://api.test',
    steps: [{ name: 'customer', path: '/customers/{event.customer}', cache_ttl_seconds: ttl }],
  });

  it('a cached answer is reused until its TTL passes', async () => {
    let now = 0;
    const { calls, fetch } = recorder(() => ({ id: 'c1' }));
    const p = ports(fetch, { cache: new ResponseCache({ now: () => now }) });
    await run(hydration(60), { event: { customer: 'c1' } }, p);
    const second = await run(hydration(60), { event: { customer: 'c1' } }, p);
    expect(calls).toHaveLength(1);
    expect(second.customer).toEqual({ id: 'c1' });
    now += 60_000;
    await run(hydration(60), { event: { customer: 'c1' } }, p);
    expect(calls).toHaveLength(2);
  });

  it('a hit is a copy: changing it does not change the next record’s', async () => {
    const { fetch } = recorder(() => ({ tags: ['a'] }));
    const p = ports(fetch, { cache: new ResponseCache() });
    const first = await run(hydration(60), { event: { customer: 'c1' } }, p);
    (first.customer as { tags: string[] }).tags.push('changed');
    const second = await run(hydration(60), { event: { customer: 'c1' } }, p);
    expect(second.customer).toEqual({ tags: ['a'] });
  });

  it('never caches a failure', async () => {
    let status = 503;
    const { calls, fetch } = recorder(() => (status === 200 ? { id: 'c1' } : new Response('', { status })));
    const p = ports(fetch, { cache: new ResponseCache() });
    await expect(run(hydration(60), { event: { customer: 'c1' } }, p)).rejects.toMatchObject({
      reason: 'source_api_503',
    });
    status = 200;
    await expect(run(hydration(60), { event: { customer: 'c1' } }, p)).resolves.toMatchObject({
      customer: { id: 'c1' },
    });
    expect(calls).toHaveLength(2);
  });

  it('ttl 0: nothing kept, but identical GETs in flight at once share one request', async () => {
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch: Fetch = async (input) => {
      calls.push(urlOf(input));
      await gate;
      return Response.json({ id: 'c1' });
    };
    const p = ports(fetch, { cache: new ResponseCache() });
    const runs = [1, 2, 3].map(() => run(hydration(0), { event: { customer: 'c1' } }, p));
    const other = run(hydration(0), { event: { customer: 'c2' } }, p);
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    const contexts = await Promise.all([...runs, other]);
    expect(calls.sort()).toEqual(['https://api.test/customers/c1', 'https://api.test/customers/c2']);
    expect(contexts.map((c) => c.customer)).toEqual([{ id: 'c1' }, { id: 'c1' }, { id: 'c1' }, { id: 'c1' }]);
    await run(hydration(0), { event: { customer: 'c1' } }, p);
    expect(calls).toHaveLength(3);
  });

  it('an uncached POST is never coalesced (it may change something)', async () => {
    const { calls, fetch } = recorder(() => ({ data: {} }));
    const post = {
      base_url: 'https://api.test',
      steps: [{ name: 'q', method: 'POST', path: '/graphql', body: { query: '{ a }' } }],
    };
    const p = ports(fetch, { cache: new ResponseCache() });
    await Promise.all([run(post, {}, p), run(post, {}, p)]);
    expect(calls).toHaveLength(2);
  });

  it('the cache is bounded: the least recently used answer goes first', async () => {
    const { calls, fetch } = recorder((call) => ({ url: call.url }));
    const cache = new ResponseCache({ maxEntries: 2 });
    const p = ports(fetch, { cache });
    for (const customer of ['a', 'b', 'a', 'c', 'a', 'b'])
      await run(hydration(60), { event: { customer } }, p);
    // a, b fetched; a hit; c evicts b (a was used more recently); a hit; b fetched again.
    expect(calls.map((c) => c.url.split('/').at(-1))).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.size).toBe(2);
  });
});

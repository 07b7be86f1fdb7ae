import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hydrationSchema } from '../../functions/shared/config/relay-config.ts';
import {
  DeferredError,
  PermanentError,
  RetryableError,
  parseRetryAfter,
} from '../../functions/shared/stage/errors.ts';
import { fetchJson, renderPath, type Fetch } from '../../functions/hydrate/source-api.ts';
import { fetchStep } from '../../functions/hydrate/hydration/step-runner.ts';
import { SourcePacer } from '../../functions/hydrate/source-pacer.ts';

const hydration = hydrationSchema().parse({
  base_url: 'https://api.test',
  auth: { header: 'authorization', prefix: 'Bearer ', secret: { env: 'T' } },
  steps: [{ name: 'customer', path: '/customers/{event.customer}' }],
});
const deps = (fetch: Fetch) => ({ fetch, resolveSecret: () => Promise.resolve('tok'), now: () => 0 });
const answering =
  (status: number, body: string, headers: Record<string, string> = {}): Fetch =>
  () =>
    Promise.resolve(new Response(body, { status, headers }));

describe('hydration HTTP calls', () => {
  it('fills path placeholders, URL-encoded', () => {
    expect(renderPath('/customers/{event.customer}', { event: { customer: 'a/b c' } })).toBe(
      '/customers/a%2Fb%20c',
    );
    expect(() => renderPath('/customers/{event.customer}', { event: {} })).toThrowError(PermanentError);
  });

  it('a value with a lone surrogate cannot be put in a URL: a permanent failure with a reason', () => {
    for (const customer of ['\uD800', 'cus_\uDC00', 'a\uD83D']) {
      let thrown: unknown;
      try {
        renderPath('/customers/{event.customer}', { event: { customer } });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PermanentError);
      expect(thrown).toMatchObject({ reason: 'hydration_input_malformed' });
      expect((thrown as Error).message).toContain('event.customer');
    }
    // Characters that are merely unusual are fine: U+FFFF, U+FFFE and a surrogate pair are encoded as UTF-8.
    expect(renderPath('/c/{event.customer}', { event: { customer: '\uFFFF\uFFFE😀' } })).toBe(
      '/c/%EF%BF%BF%EF%BF%BE%F0%9F%98%80',
    );
  });

  it('sends the credential and returns the JSON', async () => {
    let auth: string | undefined;
    const fetch: Fetch = (_url, init) => {
      auth = (init?.headers as Record<string, string>).authorization;
      return Promise.resolve(new Response('{"id":1}', { status: 200 }));
    };
    await expect(fetchJson('https://api.test/x', hydration, deps(fetch))).resolves.toEqual({ id: 1 });
    expect(auth).toBe('Bearer tok');
  });

  it('keeps integers above 2^53 exact, as strings of their digits', async () => {
    const body = await fetchJson(
      'https://api.test/orders/1',
      hydration,
      deps(answering(200, '{"order":{"id":820982911946154508,"line_items":[{"id":9007199254740993}]}}')),
    );
    expect(body).toEqual({ order: { id: '820982911946154508', line_items: [{ id: '9007199254740993' }] } });
  });

  it('204 No Content answers null (BigCommerce answers an empty list that way)', async () => {
    const fetch: Fetch = () => Promise.resolve(new Response(null, { status: 204 }));
    await expect(fetchJson('https://api.test/x', hydration, deps(fetch))).resolves.toBeNull();
  });

  it('404 is permanent; 5xx is retryable; 429 and 503 with Retry-After are deferred, not failures', async () => {
    await expect(fetchJson('u', hydration, deps(answering(404, 'no')))).rejects.toBeInstanceOf(
      PermanentError,
    );
    await expect(
      fetchJson('u', hydration, deps(answering(429, '', { 'retry-after': '30' }))),
    ).rejects.toMatchObject({ name: 'DeferredError', reason: 'source_api_429', retryAfterSeconds: 30 });
    await expect(
      fetchJson('u', hydration, deps(answering(503, '', { 'retry-after': '7' }))),
    ).rejects.toMatchObject({ name: 'DeferredError', reason: 'source_api_503', retryAfterSeconds: 7 });
    await expect(fetchJson('u', hydration, deps(answering(429, '')))).rejects.toMatchObject({
      name: 'DeferredError',
      retryAfterSeconds: 1,
    });
    const failed = fetchJson('u', hydration, deps(answering(503, '')));
    await expect(failed).rejects.toBeInstanceOf(RetryableError);
    await expect(failed).rejects.not.toBeInstanceOf(DeferredError);
    await expect(fetchJson('u', hydration, deps(answering(502, '')))).rejects.toMatchObject({
      name: 'RetryableError',
    });
  });

  it('with a pacer: the answer’s rate headers pace the next request; a 429 defers to the next place', async () => {
    let now = 0;
    const [step] = hydration.steps;
    if (!step) throw new Error('the fixture has a step');
    const pacer = new SourcePacer({ now: () => now });
    const paced = { ...deps(answering(200, '{}', { 'x-shopify-shop-api-call-limit': '40/40' })), pacer };
    await fetchStep(hydration, step, { event: { customer: 'c' } }, paced);
    // The bucket is full: the next request is 500 ms away, which it sleeps; a 429 then waits for Retry-After.
    const throttled = { ...deps(answering(429, '', { 'retry-after': '3' })), pacer, now: () => now };
    await expect(fetchStep(hydration, step, { event: { customer: 'c' } }, throttled)).rejects.toMatchObject({
      name: 'DeferredError',
      reason: 'source_api_429',
      retryAfterSeconds: 3,
    });
    now += 100;
    // No slot before the deadline (less the request's timeout): deferred, not failed.
    await expect(
      fetchStep(hydration, step, { event: { customer: 'c' } }, { ...throttled, deadline: 0 }),
    ).rejects.toMatchObject({ name: 'DeferredError' });
  });

  it('a timeout is retryable', async () => {
    const hanging: Fetch = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    const fast = { ...hydration, timeout_ms: 100 };
    await expect(fetchJson('u', fast, deps(hanging))).rejects.toMatchObject({ reason: 'source_api_timeout' });
  });

  it('parses Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('5', 0)).toBe(5);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

// Hydration requests against real HTTP servers on loopback, with Node's own fetch: redirects, hostile
// placeholder values, huge bodies and stalled bodies behave as they would against a source's API.
describe('hydration request policy (local HTTP servers)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const serve = async (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const shopify = (base: string, extra: Record<string, unknown> = {}) =>
    hydrationSchema().parse({
      base_url: base,
      auth: { header: 'X-Shopify-Access-Token', secret: { env: 'T' } },
      steps: [{ name: 'orders', path: '/customers/{event.id}/orders' }],
      ...extra,
    });
  const real = deps(fetch);
  const failure = async (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('never sends the credential to another origin: a cross-origin redirect is refused', async () => {
    const tokensElsewhere: (string | undefined)[] = [];
    const elsewhere = await serve((req, res) => {
      tokensElsewhere.push(req.headers['x-shopify-access-token'] as string | undefined);
      res.end('{"stolen":true}');
    });
    const base = await serve((_req, res) => {
      res.writeHead(302, { location: `${elsewhere}/collect` }).end();
    });
    const error = await failure(fetchJson(`${base}/customers/1/orders`, shopify(base), real));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason: 'source_api_redirect_cross_origin' });
    expect(tokensElsewhere).toEqual([]);
  });

  it('follows a redirect within the same origin, credential included, a few hops at most', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
      else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else res.end(JSON.stringify({ token: req.headers['x-shopify-access-token'] }));
    });
    await expect(fetchJson(`${base}/old`, shopify(base), real)).resolves.toEqual({ token: 'tok' });
    const error = await failure(fetchJson(`${base}/loop`, shopify(base), real));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason: 'source_api_too_many_redirects' });
  });

  it('refuses placeholder values that are ".", ".." or empty: they would leave the base path', async () => {
    const paths: (string | undefined)[] = [];
    const base = await serve((req, res) => {
      paths.push(req.url);
      res.end('{}');
    });
    const hydration = shopify(base);
    const step = { name: 'orders', path: '/customers/{event.id}/orders' };
    for (const [id, reason] of [
      ['..', 'hydration_input_unsafe'],
      ['.', 'hydration_input_unsafe'],
      ['', 'hydration_input_missing'],
    ] as const) {
      const error = await failure(fetchStep(hydration, step, { event: { id } }, real));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toMatchObject({ reason });
      expect((error as Error).message).toContain('event.id');
    }
    expect(paths).toEqual([]);
    // Dots inside a value are just characters.
    await fetchStep(hydration, step, { event: { id: '...' } }, real);
    await fetchStep(hydration, step, { event: { id: 'a..b' } }, real);
    expect(paths).toEqual(['/customers/.../orders', '/customers/a..b/orders']);
  });

  it('caps the response size: a 50 MiB body is refused while streaming, not read whole', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const base = await serve((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      }
      const write = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    });
    const error = await failure(fetchJson(`${base}/streamed`, shopify(base), real));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason: 'source_api_response_too_large' });
    expect(sent).toBeLessThan(50 * 1024 * 1024);

    sent = 0;
    const declared = await failure(fetchJson(`${base}/declared`, shopify(base), real));
    expect(declared).toMatchObject({ reason: 'source_api_response_too_large' });
    expect(sent).toBeLessThan(50 * 1024 * 1024);
  });

  it('the cap is configurable', async () => {
    const base = await serve((_req, res) => res.end(JSON.stringify({ pad: 'x'.repeat(2000) })));
    await expect(
      fetchJson(`${base}/x`, shopify(base), { ...real, maxResponseBytes: 1024 }),
    ).rejects.toMatchObject({ reason: 'source_api_response_too_large' });
    await expect(
      fetchJson(`${base}/x`, shopify(base), { ...real, maxResponseBytes: 4096 }),
    ).resolves.toMatchObject({ pad: 'x'.repeat(2000) });
  });

  it('a timeout while the body is being read is retryable', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":'); // and then nothing more
    });
    const error = await failure(fetchJson(`${base}/slow`, shopify(base, { timeout_ms: 200 }), real));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ reason: 'source_api_timeout' });
  });
});

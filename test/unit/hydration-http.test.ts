// The step runner against real HTTP servers on loopback, with Node's own fetch: pagination that points at
// another origin, and a query-parameter credential that the source echoes back.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runHydrationSteps } from '../../functions/hydrate/hydration/step-runner.ts';
import { hydrationSchema } from '../../functions/shared/config/relay-config.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ports = { fetch, resolveSecret: () => Promise.resolve('key-SECRET-987'), now: Date.now };

async function run(hydration: unknown): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { event: { id: 1 } };
  await runHydrationSteps('src', hydrationSchema().parse(hydration), context, ports);
  return context;
}

describe('hydration over HTTP', () => {
  it('follows Link pages on the origin, and never sends the credential to a next link elsewhere', async () => {
    const seenElsewhere: (string | undefined)[] = [];
    const elsewhere = await serve((req, res) => {
      seenElsewhere.push(req.headers.authorization);
      res.end('{"items":[]}');
    });
    const base = await serve((req, res) => {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
      const next = page === 1 ? `</items?page=2>; rel="next"` : `<${elsewhere}/items?page=3>; rel="next"`;
      res.writeHead(200, { link: next, 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [page] }));
    });
    const error = await run({
      base_url: base,
      auth: { kind: 'bearer', secret: { env: 'T' } },
      steps: [{ name: 'all', path: '/items', paginate: { next: 'link_header', items: 'items' } }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason: 'source_api_next_cross_origin' });
    expect(seenElsewhere).toEqual([]);
  });

  it('a query credential reaches the server, and an answer echoing it is scrubbed from the failure', async () => {
    const seen: string[] = [];
    const base = await serve((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(422, { 'content-type': 'text/plain' });
      res.end(`bad request for ${req.url ?? ''}`);
    });
    const error = await run({
      base_url: `${base}/v1`,
      auth: { kind: 'query', param: 'api_key', secret: { env: 'K' } },
      steps: [{ name: 'order', path: '/orders/{event.id}' }],
    }).catch((e: unknown) => e);
    expect(seen).toEqual(['/v1/orders/1?api_key=key-SECRET-987']);
    expect(error).toMatchObject({ reason: 'source_api_422' });
    const shown = JSON.stringify([(error as Error).message, (error as PermanentError).detail]);
    expect(shown).toContain('bad request for /v1/orders/1?api_key=***');
    expect(shown).not.toContain('key-SECRET-987');
  });
});

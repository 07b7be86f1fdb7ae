// The console's server refuses what is not the operator's browser on this machine: no token or a wrong one, a
// Host other than its loopback names, a POST from another origin; it listens on 127.0.0.1 only; and its router
// matches segments and parameters.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleRoute } from '../../cli/console/route.ts';
import { matchRoute } from '../../cli/console/router.ts';
import { startConsoleServer, type ConsoleServer } from '../../cli/console/server.ts';
import { page, html } from '../../cli/console/html.ts';

const received: unknown[] = [];
const routes: ConsoleRoute[] = [
  { method: 'GET', pattern: '/', handle: () => Promise.resolve(page('Home', html`<p>home</p>`)) },
  {
    method: 'GET',
    pattern: '/things/:id',
    handle: (req) => Promise.resolve({ json: { id: req.params.id } }),
  },
  {
    method: 'POST',
    pattern: '/things',
    handle: (req) => {
      received.push(req.body);
      return Promise.resolve({ status: 201, json: { ok: true } });
    },
  },
];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  console: ConsoleServer,
  path: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: console.port,
        path,
        method,
        headers: { host: `127.0.0.1:${console.port}`, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let server: ConsoleServer;
let cookie: string;
beforeAll(async () => {
  server = await startConsoleServer({
    routes,
    context: { stack: () => Promise.reject(new Error('no stack in this test')), stackFile: 'test.json' },
  });
  cookie = `relay_console_token=${server.token}`;
});
afterAll(() => server.close());

describe('console server security', () => {
  it('listens on 127.0.0.1 only, on the port it picked', () => {
    expect(server.server.address()).toMatchObject({
      address: '127.0.0.1',
      family: 'IPv4',
      port: server.port,
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('makes a new random token per run', async () => {
    const other = await startConsoleServer({
      routes,
      context: { stack: () => Promise.reject(new Error()), stackFile: 'x' },
    });
    await other.close();
    expect(other.token).not.toBe(server.token);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a request without the token (401), with a wrong one, and the styles too', async () => {
    const none = await send(server, '/');
    expect(none.status).toBe(401);
    expect(none.body).toContain('no token');
    expect((await send(server, '/?token=wrong')).status).toBe(401);
    expect((await send(server, '/', { headers: { cookie: 'relay_console_token=wrong' } })).status).toBe(401);
    expect((await send(server, '/assets/console.css')).status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly, SameSite=Strict cookie and drops it from the URL', async () => {
    const answer = await send(server, `/things/1?token=${server.token}&x=1`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/things/1?x=1');
    expect(answer.headers['set-cookie']).toEqual([`${cookie}; HttpOnly; SameSite=Strict; Path=/`]);
    const page = await send(server, '/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p>home</p>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('refuses another Host, even with the token (DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1:1',
      `0.0.0.0:${server.port}`,
    ]) {
      const answer = await send(server, '/', { headers: { host, cookie } });
      expect(answer.status, host).toBe(403);
      expect(answer.body).toContain('refused');
    }
    expect((await send(server, '/', { headers: { host: `localhost:${server.port}`, cookie } })).status).toBe(
      200,
    );
  });

  it("refuses a POST whose Origin is not the console's own (CSRF), or has none", async () => {
    const post = (origin?: string) =>
      send(server, '/things', {
        method: 'POST',
        headers: {
          cookie,
          'content-type': 'application/json',
          ...(origin !== undefined && { origin }),
        },
        body: '{"n":1}',
      });
    expect((await post('http://evil.example')).status).toBe(403);
    expect((await post(`http://evil.example:${server.port}`)).status).toBe(403);
    expect((await post()).status).toBe(403);
    expect(received).toEqual([]);
    expect((await post(`http://127.0.0.1:${server.port}`)).status).toBe(201);
    expect(received).toEqual([{ n: 1 }]);
  });

  it('answers JSON routes with decoded parameters, and 404/405 for what it does not serve', async () => {
    const json = await send(server, '/things/a%2Fb', { headers: { cookie } });
    expect(JSON.parse(json.body)).toEqual({ id: 'a/b' });
    expect((await send(server, '/nothing', { headers: { cookie } })).status).toBe(404);
    expect((await send(server, '/things', { headers: { cookie } })).status).toBe(405);
  });
});

describe('console router', () => {
  it('matches exact segments and parameters, and tells a wrong method from no route', () => {
    expect(matchRoute(routes, 'GET', '/things/7')).toMatchObject({ params: { id: '7' } });
    expect(matchRoute(routes, 'GET', '/')).toMatchObject({ params: {} });
    expect(matchRoute(routes, 'GET', '/things/7/more')).toEqual({ route: undefined, status: 404 });
    expect(matchRoute(routes, 'GET', '/things/%E0%A4%A')).toEqual({ route: undefined, status: 404 });
    expect(matchRoute(routes, 'DELETE', '/things')).toEqual({ route: undefined, status: 405 });
  });
});

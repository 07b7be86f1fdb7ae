// The console's HTTP server: node:http on 127.0.0.1 only (never a wildcard address), each request first through
// the guard (Host, the run's token, a POST's Origin: guard.ts), then the styles and script it serves itself, then
// the routes (routes.ts) — a page wrapped in the layout, JSON, or server-sent events.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_SCRIPT } from './client-script.ts';
import { guard, newConsoleToken } from './guard.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import type { ConsoleContext, ConsoleResponse, ConsoleRoute } from './route.ts';
import { matchRoute } from './router.ts';

export const CONSOLE_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1_000_000;

const SECURITY_HEADERS = {
  // Only the console's own styles and script; forms and fetches only to itself; never framed.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with a form POST, which the
  // guard's Origin check must refuse; same-origin still sends nothing to any other site.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface ConsoleServerOptions {
  routes: readonly ConsoleRoute[];
  context: ConsoleContext;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** For tests; a run makes its own. */
  token?: string;
}

export interface ConsoleServer {
  /** The URL to open: it carries the token. */
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (text === '') return undefined;
  if (type === 'application/json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new RequestError(400, `the body is not JSON: ${(error as Error).message}`);
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  throw new RequestError(415, `send application/json or a form, not ${type || 'no content type'}`);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
  response.end(body);
}

function errorPage(status: number, message: string, path: string, stackFile: string): string {
  const title = status === 404 ? 'Not found' : status >= 500 ? 'Failed' : `Refused (${status})`;
  return layout({ page: { title, body: html`<p class="error">${message}</p>`.toString() }, path, stackFile });
}

async function writeAnswer(
  response: ServerResponse,
  answer: ConsoleResponse,
  path: string,
  stackFile: string,
): Promise<void> {
  const status = answer.status ?? 200;
  if ('page' in answer) {
    send(response, status, 'text/html; charset=utf-8', layout({ page: answer.page, path, stackFile }));
  } else if ('json' in answer) {
    send(response, status, 'application/json; charset=utf-8', JSON.stringify(answer.json));
  } else {
    response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream' });
    const iterator = answer.events[Symbol.asyncIterator]();
    response.on('close', () => void iterator.return?.());
    for (let next = await iterator.next(); !next.done && !response.destroyed; next = await iterator.next())
      response.write(`data: ${JSON.stringify(next.value)}\n\n`);
    response.end();
  }
}

const STYLES = readFile(new URL('./assets/console.css', import.meta.url), 'utf8');

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = options.token ?? newConsoleToken();
  const { routes, context } = options;
  let port = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const verdict = guard(
      {
        method,
        host: request.headers.host,
        origin: request.headers.origin,
        cookie: request.headers.cookie,
        query: url.searchParams,
      },
      token,
      port,
    );
    if (!verdict.allow) {
      if (verdict.status === 303) {
        url.searchParams.delete('token');
        response.writeHead(303, {
          ...SECURITY_HEADERS,
          'set-cookie': verdict.setCookie,
          location: `${path}${url.search}`,
        });
        response.end();
      } else send(response, verdict.status, 'text/plain; charset=utf-8', `${verdict.message}\n`);
      return;
    }
    if (method === 'GET' && path === '/assets/console.css')
      return send(response, 200, 'text/css; charset=utf-8', await STYLES);
    if (method === 'GET' && path === '/assets/console.js')
      return send(response, 200, 'text/javascript; charset=utf-8', CLIENT_SCRIPT);
    if (method !== 'GET' && method !== 'POST')
      return send(response, 405, 'text/plain; charset=utf-8', `${method} is not served\n`);
    const match = matchRoute(routes, method, path);
    if (match.route === undefined) {
      const message = match.status === 404 ? `nothing at ${path}` : `${method} is not served at ${path}`;
      return send(
        response,
        match.status,
        'text/html; charset=utf-8',
        errorPage(match.status, message, path, context.stackFile),
      );
    }
    const body = method === 'POST' ? await readBody(request) : undefined;
    const answer = await match.route.handle(
      { method, path, params: match.params, query: url.searchParams, body },
      context,
    );
    await writeAnswer(response, answer, path, context.stackFile);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof RequestError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (response.headersSent) response.destroy();
      else
        send(
          response,
          status,
          'text/html; charset=utf-8',
          errorPage(status, message, request.url ?? '/', context.stackFile),
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, CONSOLE_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${CONSOLE_HOST}:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Local mode's API Gateway stand-in over real HTTP: requests it cannot route or parse get the project's JSON
// error shape (`{ code, message, request_id }`) with a 4xx, never a 500 or a dropped connection.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type HttpLambda } from '../../local/api-gateway.ts';
import type { RunningServer } from '../../local/http-server.ts';

let gateway: RunningServer;
let ingestCalls = 0;
const ingest: HttpLambda = () => {
  ingestCalls++;
  return Promise.resolve({ statusCode: 202, body: '{"status":"accepted"}' });
};

beforeAll(async () => {
  gateway = await startApiGateway(ingest);
});
afterAll(() => gateway.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** What the socket reported, if anything (ECONNRESET when the server reset the connection). */
  socketError?: string;
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** Sends bytes as they are (fetch would refuse or re-encode what these tests need) and reads the answer. */
function rawRequest(request: string): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(gateway.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let socketError: string | undefined;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (socketError = error.code ?? error.message));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        body: headers['transfer-encoding'] === 'chunked' ? dechunk(body) : body,
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        ...(socketError === undefined ? {} : { socketError }),
      });
    });
    socket.write(request);
  });
}

function expectProjectError(answer: RawAnswer, status: number, code: string) {
  const seen = `answer: ${JSON.stringify(answer)}`;
  expect(answer.status, seen).toBe(status);
  expect(answer.headers['content-type'] ?? '', seen).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'request_id']);
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(typeof body.request_id === 'string' && body.request_id !== '').toBe(true);
}

describe('local API gateway over HTTP', () => {
  it('answers a malformed percent-escape in the path with 400 JSON, not 500', async () => {
    const before = ingestCalls;
    const body = '{}';
    const answer = await rawRequest(
      `POST /webhooks/sh%op HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expectProjectError(answer, 400, 'malformed_path');
    expect((JSON.parse(answer.body) as { message: string }).message).toContain('sh%op');
    expect(ingestCalls).toBe(before);
  });

  it('still routes a well-formed escape to ingest', async () => {
    const response = await fetch(`${gateway.url}/webhooks/sh%6Fp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(202);
  });

  it('answers an oversized header with 431 JSON, not an empty answer and a reset', async () => {
    const before = ingestCalls;
    const answer = await rawRequest(
      `POST /webhooks/shop HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expectProjectError(answer, 431, 'headers_too_large');
    expect(answer.socketError).toBeUndefined();
    expect(ingestCalls).toBe(before);
  });

  it('answers 431 even while the sender is still writing a large body after the header', async () => {
    const body = '{"pad":"' + 'b'.repeat(4 * 1024 * 1024) + '"}';
    const answer = await rawRequest(
      `POST /webhooks/shop HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expectProjectError(answer, 431, 'headers_too_large');
    expect(answer.socketError).toBeUndefined();
  });

  it('answers a request it cannot parse at all with 400 JSON', async () => {
    const answer = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expectProjectError(answer, 400, 'bad_request');
  });
});

// DNS rebinding: a web page on attacker.example, once its name resolves to 127.0.0.1, reaches local mode with its
// own name in Host (and its own Origin). Local mode answers loopback names only.
describe('local API gateway: loopback Host only', () => {
  const post = (host: string, extra = '') =>
    rawRequest(
      `POST /webhooks/shop HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${extra}` +
        `Content-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );

  it.each(['attacker.example', 'attacker.example:3000', '127.0.0.1.nip.io', 'localhost.attacker.example'])(
    'refuses Host %s with 403 JSON before ingest',
    async (host) => {
      const before = ingestCalls;
      const answer = await post(host);
      expectProjectError(answer, 403, 'host_not_allowed');
      expect((JSON.parse(answer.body) as { message: string }).message).toContain('DNS rebinding');
      expect(ingestCalls).toBe(before);
    },
  );

  it('refuses a request without Host', async () => {
    const answer = await rawRequest('GET /_relay/status HTTP/1.0\r\nConnection: close\r\n\r\n');
    expectProjectError(answer, 403, 'host_not_allowed');
  });

  it('refuses a loopback Host sent from a web page of another origin', async () => {
    const before = ingestCalls;
    const answer = await post('127.0.0.1', 'Origin: http://attacker.example\r\n');
    expectProjectError(answer, 403, 'host_not_allowed');
    expect(ingestCalls).toBe(before);
  });

  it.each(['localhost', 'LOCALHOST:3000', '127.0.0.1', '127.1.2.3:8080', '[::1]:3000'])(
    'serves Host %s',
    async (host) => {
      const before = ingestCalls;
      const answer = await post(host);
      expect(answer.status, answer.body).toBe(202);
      expect(ingestCalls).toBe(before + 1);
    },
  );

  it('serves a loopback Origin (a tool in the browser on this machine)', async () => {
    const answer = await post('localhost:3000', 'Origin: http://localhost:5173\r\n');
    expect(answer.status, answer.body).toBe(202);
  });
});

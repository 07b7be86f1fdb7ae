// `relay send`: the URL it posts to from what the user gives, and the secret from a flag or a variable.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookUrlFor } from '../../operations/send-sample.ts';
import { runRelay } from '../helpers/relay-cli.ts';

/** The demo source's scheme (config/local.json): `sha256=` + hex HMAC-SHA256 of the body. */
const signedWith = (request: { headers: IncomingHttpHeaders; body: string }, secret: string) =>
  request.headers['x-demo-signature'] ===
  `sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`;

describe('webhookUrlFor', () => {
  it('takes an API endpoint, a webhook base URL or a source’s webhook URL', () => {
    const api = 'https://abc.execute-api.eu-west-1.amazonaws.com';
    expect(webhookUrlFor(api, 'shop')).toBe(`${api}/webhooks/shop`);
    expect(webhookUrlFor(`${api}/`, 'shop')).toBe(`${api}/webhooks/shop`);
    expect(webhookUrlFor(`${api}/webhooks`, 'shop')).toBe(`${api}/webhooks/shop`);
    expect(webhookUrlFor(`${api}/webhooks/shop`, 'shop')).toBe(`${api}/webhooks/shop`);
  });
});

describe('relay send', () => {
  const received: { url: string | undefined; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"code":"accepted"}');
    });
  });
  let base = '';
  // A stack that names nothing, so a local mode running beside the tests is not picked up.
  let emptyStack = '';
  beforeAll(async () => {
    emptyStack = path.join(await mkdtemp(path.join(tmpdir(), 'relay-send-')), 'stack.json');
    await writeFile(emptyStack, '{}');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  const relay = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runRelay(['send', ...args, '--stack', emptyStack], env);

  it('signs with the secret a variable holds and posts to the source’s webhook URL', async () => {
    received.length = 0;
    const { stdout } = await relay(
      { MY_SECRET: 'a-secret-of-my-own' },
      'demo',
      'samples/demo-order.json',
      '--config',
      'config/local.json',
      '--url',
      `${base}/webhooks/demo`,
      '--secret-env',
      'MY_SECRET',
      '--delivery-id',
      'd-1',
      '--json',
    ).catch((error: { stderr: string }) => {
      throw new Error(error.stderr);
    });
    expect(JSON.parse(stdout)).toMatchObject({ url: `${base}/webhooks/demo`, status: 202 });
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/webhooks/demo');
    const [request] = received;
    expect(request && signedWith(request, 'a-secret-of-my-own')).toBe(true);
    expect(request && signedWith(request, 'another-secret')).toBe(false);
    expect(request?.headers['x-demo-delivery-id']).toBe('d-1');
  });

  it('fails with one line when the variable is unset', async () => {
    const failed = await relay(
      {},
      'demo',
      'samples/demo-order.json',
      '--url',
      base,
      '--secret-env',
      'UNSET_VAR_XYZ',
    ).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr.trim()).toBe(
      'klaviyo-relay: the environment variable UNSET_VAR_XYZ is not set',
    );
  });
});

// `npm run send` signs a sample the way its source's sender does and posts it: it must work with nothing
// running but the relay (it reads config/local.json with the placeholders only the running relay fills).
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('npm run send', () => {
  it('posts the signed demo sample to the relay URL it is given', async () => {
    const received: { url: string | undefined; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"code":"accepted"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // What `npm run send` runs (package.json), without npm in between.
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        'local/send.ts',
        'demo',
        'samples/demo-order.json',
        '--url',
        `http://127.0.0.1:${port}`,
      ]);
      expect(stdout).toContain('→ 202');
    } finally {
      server.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/webhooks/demo');
    expect(Object.keys(received[0]?.headers ?? {}).some((h) => h.includes('signature'))).toBe(true);
  });
});

// The CLI's AWS settings as docs/operations.md gives them (issue 22): without a region anywhere, a command
// against a deployment says how to set one (the AWS SDK's own message was only "Region is missing"); and
// AWS_ENDPOINT_URL sends every call to a local AWS (moto_server), a table read too (its request names no host).
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../cli/error-line.ts';

describe('the CLI’s AWS settings', () => {
  it('without a region anywhere, says how to set one', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relay-region-'));
    const stack = path.join(dir, 'stack.json');
    await writeFile(
      stack,
      JSON.stringify({
        dlq_urls: {
          value: { hydrate: 'https://sqs.invalid/1/h-dlq', deliver: 'https://sqs.invalid/1/d-dlq' },
        },
      }),
    );
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^AWS_/.test(name)),
    );
    // No profile files either: the region must come from nowhere.
    env.AWS_CONFIG_FILE = path.join(dir, 'no-config');
    env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
    const failed = await promisify(execFile)(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        'cli/relay.ts',
        'dlq',
        'list',
        'hydrate',
        '--stack',
        stack,
      ],
      { env },
    ).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toContain(
      'klaviyo-relay: the AWS region is not set: pass --region <region>, or set AWS_REGION (e.g. `export AWS_REGION=eu-west-1`)',
    );
  });

  it(
    'AWS_ENDPOINT_URL sends its calls to that endpoint, the dedupe table’s too',
    { timeout: 60_000 },
    async () => {
      const targets: string[] = [];
      const server = createServer((req, res) => {
        targets.push(String(req.headers['x-amz-target']));
        req.resume();
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not here' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const dir = await mkdtemp(path.join(tmpdir(), 'relay-endpoint-'));
        const stack = path.join(dir, 'stack.json');
        await writeFile(
          stack,
          JSON.stringify({
            dedupe_table_name: { value: 'relay-dedupe' },
            dlq_urls: {
              value: { hydrate: `${endpoint}/000000000000/h-dlq`, deliver: `${endpoint}/000000000000/d-dlq` },
            },
          }),
        );
        await promisify(execFile)(
          process.execPath,
          [
            '--disable-warning=ExperimentalWarning',
            '--import',
            'tsx',
            'cli/relay.ts',
            'trace',
            'demo',
            'x',
            '--stack',
            stack,
            '--json',
          ],
          {
            env: {
              ...process.env,
              AWS_ENDPOINT_URL: endpoint,
              AWS_REGION: 'us-east-1',
              AWS_ACCESS_KEY_ID: 'local',
              AWS_SECRET_ACCESS_KEY: 'local',
            },
          },
        ).catch(() => undefined); // every call is refused; what matters is where they went
        expect(targets).toContain('DynamoDB_20120810.GetItem');
      } finally {
        server.close();
      }
    },
  );

  it('leaves other messages as they are', () => {
    expect(errorLine(new Error('the hydrate DLQ is not known'))).toBe('the hydrate DLQ is not known');
  });
});

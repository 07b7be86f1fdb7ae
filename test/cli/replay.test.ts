// The archive and `relay replay` through local mode: every webhook hydrate handles is archived (gzipped JSON Lines
// by hour of receipt, in a folder as in the module's bucket), and a replay of a time range feeds them through
// hydrate and deliver again — as backfill by default, so flows do not fire — once each.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { runRelay } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let stackFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relay-replay-'));
  stack = await startLocalStack({
    env: {},
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
    archiveDir: path.join(dir, 'archive'),
  });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  mock = stack.klaviyoMock;
  stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint));
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

const relay = async (...args: string[]) =>
  JSON.parse((await runRelay([...args, '--stack', stackFile, '--json'])).stdout) as Record<string, unknown>;

async function send(source: 'demo' | 'shopify', body: Buffer): Promise<string> {
  const config = stack.config.sources[source];
  if (!config) throw new Error(`config/local.json has no ${source} source`);
  const deliveryId = randomUUID();
  const secret = source === 'demo' ? DEV_SECRETS.DEMO_WEBHOOK_SECRET : DEV_SECRETS.SHOPIFY_WEBHOOK_SECRET;
  const headers = signedHeaders(config, body, secret, { deliveryId, eventType: 'orders/create' });
  const response = await fetch(stack.webhookUrl(source), { method: 'POST', headers, body });
  expect(response.status).toBe(202);
  return deliveryId;
}

async function archivedLines(): Promise<{ correlation_id: string; source: string }[]> {
  const root = path.join(dir, 'archive');
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.jsonl.gz'));
  const lines = await Promise.all(
    files.map(async (f) =>
      gunzipSync(await readFile(path.join(root, f)))
        .toString('utf8')
        .trim()
        .split('\n'),
    ),
  );
  return lines.flat().map((line) => JSON.parse(line) as { correlation_id: string; source: string });
}

describe('archive and relay replay', () => {
  it('archives what hydrate handled and replays a time range as backfill, once per webhook', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const order = await readFile('samples/demo-order.json');
    const demoIds = [await send('demo', order), await send('demo', order)];
    const shopifyId = await send('shopify', Buffer.from(JSON.stringify({ id: 77, email: 'a@example.com' })));
    await waitFor('three events at Klaviyo', () => mock.events().length === 3);
    await waitFor('the queues drained', () => stack.drained());

    const archived = await archivedLines();
    expect(archived.map((l) => l.correlation_id).sort()).toEqual(
      [...demoIds.map((id) => `demo:${id}`), `shopify:${shopifyId}`].sort(),
    );

    mock.reset();
    const dry = await relay('replay', '--source', 'demo', '--from', start, '--dry-run');
    expect(dry).toMatchObject({ dry_run: true, matched: 2, replayed: 0 });

    const replayed = await relay('replay', '--source', 'demo', '--from', start);
    expect(replayed).toMatchObject({ matched: 2, replayed: 2, failed: 0, backfill: true });
    const events = await waitFor(
      'the replayed events at Klaviyo',
      () => mock.events().length === 2 && mock.events(),
    );
    expect(events.map((e) => e.uniqueId).sort()).toEqual(demoIds.map((id) => `demo:${id}`).sort());
    expect(events.every((e) => e.backfill)).toBe(true);
    await waitFor('the queues drained', () => stack.drained());

    // A range before anything was received replays nothing.
    const none = await relay('replay', '--from', '2020-01-01T00:00:00Z', '--to', '2020-01-01T01:00:00Z');
    expect(none).toMatchObject({ objects: 0, matched: 0 });
  });
});

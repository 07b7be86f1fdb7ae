// Hydrate's archive write: one object per invocation and hour of receipt; when it cannot be written, the records
// it would have held are retried (batch item failures), so no accepted webhook is left out of the archive.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { archiveHourPrefix } from '../../functions/shared/archive.ts';
import { relayConfigSchema } from '../../functions/shared/config.ts';
import { webhookReceivedV1Schema } from '../../functions/shared/contracts.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';

const config = relayConfigSchema().parse({
  version: 1,
  sources: { shop: { kind: 'shopify', secrets: [{ env: 'S' }] } },
  klaviyo: { api_key: { env: 'K' } },
});

function sqsEvent(entries: { id: string; receivedAt: string }[]): SQSEvent {
  return {
    Records: entries.map(({ id, receivedAt }) => {
      const message = webhookReceivedV1Schema().parse({
        type: 'webhook.received',
        version: 1,
        correlation_id: `shop:${id}`,
        source: 'shop',
        delivery_id: id,
        event_type: 'orders/create',
        received_at: receivedAt,
        meta: {},
        payload: { id: 1, email: 'ada@example.com' },
      });
      return stageMessageRecord(id, message, 'hydrate');
    }),
  };
}

const handlerWith = (archiveDir: string) =>
  createHydrateHandler({
    env: {
      HYDRATE_QUEUE_URL: 'http://sqs.local/000000000000/hydrate',
      HYDRATE_DLQ_URL: 'http://sqs.local/000000000000/hydrate-dlq',
      DELIVER_QUEUE_URL: 'http://sqs.local/000000000000/deliver',
      MAX_RECEIVE_COUNT: '5',
      ARCHIVE_DIR: archiveDir,
    },
    sqs: { send: () => Promise.resolve({}) } as unknown as SQSClient,
    loadConfig: () => Promise.resolve(config),
    resolveSecret: () => Promise.resolve('secret'),
  });

const entries = [
  { id: 'a', receivedAt: '2026-12-03T09:59:59.000Z' },
  { id: 'b', receivedAt: '2026-12-03T10:00:01.000Z' },
  { id: 'c', receivedAt: '2026-12-03T10:30:00.000Z' },
];

describe('hydrate’s archive', () => {
  it('writes what it handled, one gzipped JSON Lines object per hour of receipt', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'archive-'));
    const out = await handlerWith(dir)(sqsEvent(entries), lambdaContext('hydrate', 'ctx-archive', 30_000));
    expect(out.batchItemFailures).toEqual([]);
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.jsonl.gz')).sort();
    expect(files.map((f) => path.dirname(f) + '/')).toEqual([
      archiveHourPrefix(new Date('2026-12-03T09:00:00Z')),
      archiveHourPrefix(new Date('2026-12-03T10:00:00Z')),
    ]);
    const lines = await Promise.all(
      files.map(async (f) =>
        gunzipSync(await readFile(path.join(dir, f)))
          .toString('utf8')
          .trim()
          .split('\n'),
      ),
    );
    expect(
      lines.map((group) => group.map((l) => (JSON.parse(l) as { delivery_id: string }).delivery_id)),
    ).toEqual([['a'], ['b', 'c']]);
  });

  it('retries the records when the archive cannot be written', async () => {
    const notADir = path.join(await mkdtemp(path.join(tmpdir(), 'archive-')), 'file');
    await writeFile(notADir, 'in the way');
    const out = await handlerWith(notADir)(
      sqsEvent(entries),
      lambdaContext('hydrate', 'ctx-archive-fail', 30_000),
    );
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a', 'b', 'c']);
  });
});

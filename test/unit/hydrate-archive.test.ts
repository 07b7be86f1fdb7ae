// Hydrate's archive write: one object per invocation and hour of receipt. The archive is optional: when it cannot
// be written, the webhooks are still hydrated and sent on (no batch item failure, no second hydration); the failure
// is logged and counted (`archive_failed`, which terraform/alarms.tf alarms on).
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { archiveHourPrefix } from '../../functions/shared/archive.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { createMetrics } from '../../functions/shared/metrics.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';
import { acceptingSqs, HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';

const config = relayConfigSchema().parse({
  version: 1,
  sources: { shop: { kind: 'shopify', secrets: [{ env: 'S' }] } },
  klaviyo: { api_key: { env: 'K' } },
});

function sqsEvent(entries: { id: string; receivedAt: string }[]): SQSEvent {
  return {
    Records: entries.map(({ id, receivedAt }) => {
      const message = webhookReceived({
        source: 'shop',
        id,
        eventType: 'orders/create',
        receivedAt,
        payload: { id: 1, email: 'ada@example.com' },
      });
      return stageMessageRecord(id, message, 'hydrate');
    }),
  };
}

const handlerWith = (archiveDir: string, deps: Parameters<typeof createHydrateHandler>[0] = {}) =>
  createHydrateHandler({
    env: {
      ...HYDRATE_QUEUES_ENV,
      ARCHIVE_DIR: archiveDir,
    },
    sqs: acceptingSqs(),
    loadConfig: () => Promise.resolve(config),
    resolveSecret: () => Promise.resolve('secret'),
    ...deps,
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

  it('fails no record when the archive cannot be written: logs it and counts archive_failed', async () => {
    const notADir = path.join(await mkdtemp(path.join(tmpdir(), 'archive-')), 'file');
    await writeFile(notADir, 'in the way');
    const metrics = createMetrics('hydrate');
    const logger = createLogger('hydrate');
    const counted = vi.spyOn(metrics, 'addMetric');
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const sent: unknown[] = [];
    const out = await handlerWith(notADir, {
      metrics,
      logger,
      sqs: {
        send: (command: unknown) => {
          sent.push(command);
          return Promise.resolve({});
        },
      } as unknown as SQSClient,
    })(sqsEvent(entries), lambdaContext('hydrate', 'ctx-archive-fail', 30_000));
    // Delivered records stay delivered: a retry would hydrate and send them again, and on the last receive move
    // them to the DLQ without a letter.
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.length).toBeGreaterThan(0);
    expect(counted).toHaveBeenCalledWith('archive_failed', 'Count', 3);
    expect(counted).toHaveBeenCalledWith('hydrated', 'Count', 1);
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(/could not write the archive/),
      expect.objectContaining({ records: 3, correlation_ids: ['shop:a', 'shop:b', 'shop:c'] }),
    );
  });
});

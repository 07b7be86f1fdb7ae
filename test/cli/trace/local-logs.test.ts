// relay trace's reading of local mode's log file: one webhook's lines by correlation_id or ingest's
// correlation_ids (a request with several events), within --since, sorted by time.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readLocalLogLines } from '../../../cli/trace/local-logs.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trace-local-logs-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'INFO', ...fields });

it("finds a webhook's lines by correlation_id or in ingest's correlation_ids, not a longer id's", async () => {
  const file = path.join(dir, 'logs.jsonl');
  await writeFile(
    file,
    [
      line({
        timestamp: '2026-12-03T10:00:02.000Z',
        function: 'deliver',
        message: 'delivered',
        outcome: 'delivered',
        correlation_id: 'klaviyo:2',
      }),
      line({
        timestamp: '2026-12-03T10:00:00.000Z',
        function: 'ingest',
        message: 'webhook handled',
        correlation_id: 'klaviyo:1',
        correlation_ids: ['klaviyo:1', 'klaviyo:2'],
      }),
      line({
        timestamp: '2026-12-03T10:00:01.000Z',
        function: 'hydrate',
        message: 'hydrated',
        correlation_id: 'klaviyo:20',
      }),
      line({
        timestamp: '2026-12-01T10:00:00.000Z',
        function: 'ingest',
        message: 'webhook handled',
        correlation_id: 'klaviyo:2',
      }),
      '{"level":"INFO","correlation_id":"klaviyo:2", cut short',
    ].join('\n'),
  );
  const lines = await readLocalLogLines(file, 'klaviyo:2', new Date('2026-12-03T00:00:00Z'));
  expect(lines).toEqual([
    {
      time: '2026-12-03T10:00:00.000Z',
      function: 'ingest',
      level: 'INFO',
      message: 'webhook handled',
      outcome: null,
      reason: null,
    },
    {
      time: '2026-12-03T10:00:02.000Z',
      function: 'deliver',
      level: 'INFO',
      message: 'delivered',
      outcome: 'delivered',
      reason: null,
    },
  ]);
});

it('says which file it could not read', async () => {
  await expect(readLocalLogLines(path.join(dir, 'none.jsonl'), 'x:1', new Date(0))).rejects.toThrow(
    /cannot read local mode's log file .*none\.jsonl/,
  );
});

it('keeps the Klaviyo request a deliver line names (a consent job), for the trace to show', async () => {
  const file = path.join(dir, 'logs.jsonl');
  await writeFile(
    file,
    line({
      timestamp: '2026-12-03T10:00:02.000Z',
      function: 'deliver',
      message: 'delivered',
      outcome: 'delivered',
      operation: '/api/profile-subscription-bulk-delete-jobs',
      correlation_id: 'shop:9',
    }),
  );
  const [found] = await readLocalLogLines(file, 'shop:9', new Date('2026-12-03T00:00:00Z'));
  expect(found?.operation).toBe('/api/profile-subscription-bulk-delete-jobs');
});

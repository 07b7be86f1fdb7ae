// Local mode's log file: the relay's JSON log lines from stdout and stderr, nothing else, the file emptied
// at start, and the streams as they were once the tee stops.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { teeLogLines } from '../../local/log-tee.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'log-tee-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it('copies the functions’ JSON lines from stdout and stderr into a truncated file, then lets go', async () => {
  const file = path.join(dir, 'logs.jsonl');
  await writeFile(file, 'from the last run\n');
  const ownWriteBefore = Object.getOwnPropertyDescriptor(process.stdout, 'write');
  const stop = await teeLogLines(file, { echo: false });
  const info = JSON.stringify({ level: 'INFO', message: 'hydrated', function: 'hydrate' });
  const warn = JSON.stringify({ level: 'WARN', message: 'sent to DLQ', function: 'deliver' });
  process.stdout.write(`${info}\n`);
  process.stderr.write(Buffer.from(`${warn}\n`));
  process.stdout.write(`${JSON.stringify({ not: 'a relay line' })}\n`);
  await stop();
  expect(await readFile(file, 'utf8')).toBe(`${info}\n${warn}\n`);
  expect(Object.getOwnPropertyDescriptor(process.stdout, 'write')).toEqual(ownWriteBefore);
});

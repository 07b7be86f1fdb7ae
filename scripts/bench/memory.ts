// Memory benchmark (a script, not a test): the peak RSS of hydrate handling one batch of worst cases, each
// scenario in a fresh Node process running the hydrate handler bundled as the build bundles it
// (scripts/bench/memory-worker.ts has the fakes). Scenarios, each a batch of --batch records (default 10, the
// module's batch_size):
//   webhooks — each record a 5 MiB webhook (the largest a source may take), mapped to one event;
//   events   — each record a 5 MiB webhook whose for_each makes an event per line item carrying the whole order;
//   answers  — each record a small webhook whose for_each fetches 250 source API answers of 5 MiB each.
// Target (issue 18): peak RSS under half hydrate's default memory_size (256 MB → 128 MB).
//
//   npm run bench:memory -- [--batch 10] [--memory 256] [--scenario webhooks,events,answers]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { bundleOptions } from '../build.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';

const { values } = parseEntryArgs(
  {
    command: 'npm run bench:memory --',
    description:
      'Memory benchmark: the peak RSS of hydrate handling one batch of worst cases, each scenario in a\n' +
      'fresh Node process (--scenario webhooks,events,answers).',
  },
  {
    batch: { type: 'string', default: '10' },
    memory: { type: 'string', default: '256' },
    scenario: { type: 'string', default: 'webhooks,events,answers' },
  },
);

const memory = Number(values.memory);

/**
 * The heap limits Lambda's Node.js runtime gives a function of `memoryMb` (its bootstrap: a semi-space of 5% / 3,
 * an old space of 90% less three semi-spaces), so that the collector works as hard as it does there.
 */
function lambdaNodeFlags(memoryMb: number): string[] {
  const semiSpace = Math.floor((memoryMb * 5) / 100 / 3);
  const oldSpace = Math.floor((memoryMb * 90) / 100) - semiSpace * 3;
  return ['--expose-gc', `--max-semi-space-size=${semiSpace}`, `--max-old-space-size=${oldSpace}`];
}

const dir = await mkdtemp(path.join(tmpdir(), 'bench-memory-'));
try {
  const worker = path.join(dir, 'worker.mjs');
  await esbuild.build({
    ...bundleOptions(),
    entryPoints: ['scripts/bench/memory-worker.ts'],
    outfile: worker,
    // The worker waits for the handler at its top level.
    supported: { 'top-level-await': true },
  });
  console.log(
    `bench-memory: batch ${values.batch}, memory_size ${memory} MB (target: peak under ${memory / 2} MB), ` +
      `node ${lambdaNodeFlags(memory).join(' ')}, ` +
      `Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  for (const scenario of values.scenario.split(',')) {
    const run = spawnSync(process.execPath, [...lambdaNodeFlags(memory), worker, scenario, values.batch], {
      env: { ...process.env, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory) },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.log(
        `${scenario}: failed (exit ${run.status}, ${run.signal ?? 'no signal'})\n${run.stderr.slice(-2000)}`,
      );
      continue;
    }
    const r = JSON.parse(line) as {
      peakMb: number;
      baselineMb: number;
      seconds: number;
      delivered: number;
      deliveredBytes: number;
      stored: number;
      deadLettered: Record<string, number>;
      deferred: number;
      failures: number;
    };
    console.log(
      `${scenario}: peak RSS ${r.peakMb} MB (after start ${r.baselineMb} MB), ${r.seconds} s; ` +
        `sent to deliver ${r.delivered} messages (${Math.round(r.deliveredBytes / 1024)} KiB, ${r.stored} bodies stored), ` +
        `dead-lettered ${JSON.stringify(r.deadLettered)}, deferred ${r.deferred}, retried ${r.failures}`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

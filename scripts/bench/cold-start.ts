// Cold-start benchmark: builds the three zips as `npm run build` does, extracts each into an empty directory,
// and times `await import()` of each function's bundle in fresh Node 22 processes, interleaved with two
// references in the same run: an empty module (the cost of importing anything at all) and a bundle of only
// the AWS SDK clients that function uses (built with the same esbuild settings). Targets (issue 9): each zip
// ≤ 250 KB, and each bundle's import time ≤ 1.15 × that of its SDK clients alone.
//
//   npm run bench:cold-start                 # 15 runs of each, medians
//   npm run bench:cold-start -- --runs 31
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { bundleOptions, build, type FunctionName } from '../build.ts';
import { extractZip } from '../unzip.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';

const ZIP_TARGET_BYTES = 250 * 1000;
const RATIO_TARGET = 1.15;

const { values } = parseEntryArgs(
  {
    command: 'npm run bench:cold-start --',
    description:
      'Cold-start benchmark: builds the three zips and times importing each bundle in fresh Node processes,\n' +
      'against an empty module and the AWS SDK clients alone (medians of --runs).',
  },
  { runs: { type: 'string', default: '15' } },
);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const execFileAsync = promisify(execFile);
const work = await mkdtemp(path.join(tmpdir(), 'relay-cold-start-'));

/**
 * The SDK clients a function uses, as a module of its own: each client class and command that the function's
 * bundle names (esbuild's keepNames keeps class names such as `SQSClient` or `PutItemCommand`).
 */
async function sdkOnlyBundle(
  fn: FunctionName,
  bundleText: string,
): Promise<{ file: string; clients: string[] }> {
  const metafile = (
    await esbuild.build({
      ...bundleOptions(),
      entryPoints: [`functions/${fn}/handler.ts`],
      outfile: 'meta.mjs',
      write: false,
      metafile: true,
    })
  ).metafile;
  const clients = [
    ...new Set(
      Object.keys(metafile.inputs).flatMap((input) => {
        const match = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input);
        return match?.[1] === undefined ? [] : [match[1]];
      }),
    ),
  ].sort();
  const lines: string[] = [];
  for (const client of clients) {
    const exported = Object.keys((await import(client)) as Record<string, unknown>);
    // The client and its commands; errors, serialisers and the rest come with them as they do in the function.
    const used = exported.filter(
      (name) => /(Client|Command)$/.test(name) && bundleText.includes(`"${name}"`),
    );
    const alias = client.replace(/\W/g, '_');
    lines.push(
      `export { ${used.map((name) => `${name} as ${alias}_${name}`).join(', ')} } from '${client}';`,
    );
  }
  const result = await esbuild.build({
    ...bundleOptions(),
    stdin: { contents: lines.join('\n'), resolveDir: process.cwd(), loader: 'js' },
    outfile: 'sdk.mjs',
    write: false,
  });
  const file = path.join(work, `sdk-${fn}`, 'index.mjs');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, result.outputFiles[0]?.contents ?? '');
  return { file, clients };
}

interface ImportTime {
  /** Wall-clock milliseconds from `import()` to its settling. */
  wall: number;
  /** CPU milliseconds (user + system) the process spent in that time: steadier when the machine is busy. */
  cpu: number;
}

/** Times one `import()` in a new Node process (this one's Node 22). */
async function importTime(file: string): Promise<ImportTime> {
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); ` +
    `await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `const w = performance.now() - t; const u = process.cpuUsage(c); ` +
    `process.stdout.write(JSON.stringify({ wall: w, cpu: (u.user + u.system) / 1000 }));`;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
    // What Lambda sets before the module loads; no network is touched by an import.
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench' },
  });
  return JSON.parse(stdout) as ImportTime;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

try {
  const artifacts = await build({ outDir: path.join(work, 'zips') });
  const empty = path.join(work, 'empty', 'index.mjs');
  await mkdir(path.dirname(empty));
  await writeFile(empty, '');

  interface Target {
    fn: FunctionName;
    zipBytes: number;
    unzippedBytes: number;
    bundle: string;
    sdk: string;
    clients: string[];
  }
  const targets: Target[] = [];
  for (const artifact of artifacts) {
    const dir = path.join(work, artifact.name);
    await extractZip(artifact.file, dir);
    const bundle = path.join(dir, 'index.mjs');
    const sdk = await sdkOnlyBundle(artifact.name, await readFile(bundle, 'utf8'));
    targets.push({
      fn: artifact.name,
      zipBytes: artifact.bytes,
      unzippedBytes: (await stat(bundle)).size,
      bundle,
      sdk: sdk.file,
      clients: sdk.clients,
    });
  }

  // Interleaved, so that whatever else the machine does falls on every kind alike.
  const times = new Map<string, ImportTime[]>();
  const sample = async (key: string, file: string) => {
    const list = times.get(key) ?? [];
    list.push(await importTime(file));
    times.set(key, list);
  };
  for (let i = 0; i < runs; i++) {
    await sample('empty', empty);
    for (const t of targets) {
      await sample(`sdk-${t.fn}`, t.sdk);
      await sample(t.fn, t.bundle);
    }
  }

  const of = (key: string, kind: keyof ImportTime) => (times.get(key) ?? []).map((t) => t[kind]);
  const ms = (key: string, kind: keyof ImportTime) => median(of(key, kind));
  // The median of each round's ratio: a slow moment hits both imports of a round alike.
  const ratio = (fn: string, kind: keyof ImportTime) => {
    const sdk = of(`sdk-${fn}`, kind);
    return median(of(fn, kind).map((value, i) => value / (sdk[i] ?? NaN)));
  };
  const verdict = (r: number) => (r <= RATIO_TARGET ? 'ok' : 'OVER');
  console.log(`Node ${process.version}, ${runs} runs each, medians of in-process import() time`);
  console.log(
    `empty module: ${ms('empty', 'wall').toFixed(2)} ms wall, ${ms('empty', 'cpu').toFixed(2)} ms CPU`,
  );
  console.log(
    '| function | zip | unzipped | import, wall | SDK clients alone, wall | ratio, wall | import, CPU | SDK clients alone, CPU | ratio, CPU | SDK clients |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of targets) {
    const zipOk = t.zipBytes <= ZIP_TARGET_BYTES ? 'ok' : 'OVER';
    const [wall, cpu] = [ratio(t.fn, 'wall'), ratio(t.fn, 'cpu')];
    console.log(
      `| ${t.fn} | ${(t.zipBytes / 1000).toFixed(1)} KB (${zipOk}) | ${(t.unzippedBytes / 1000).toFixed(0)} KB | ` +
        `${ms(t.fn, 'wall').toFixed(1)} ms | ${ms(`sdk-${t.fn}`, 'wall').toFixed(1)} ms | ${wall.toFixed(3)} (${verdict(wall)}) | ` +
        `${ms(t.fn, 'cpu').toFixed(1)} ms | ${ms(`sdk-${t.fn}`, 'cpu').toFixed(1)} ms | ${cpu.toFixed(3)} (${verdict(cpu)}) | ` +
        `${t.clients.map((c) => c.replace('@aws-sdk/client-', '')).join(', ')} |`,
    );
  }
  console.log(`targets: zip ≤ ${ZIP_TARGET_BYTES / 1000} KB, ratio ≤ ${RATIO_TARGET}`);
} finally {
  await rm(work, { recursive: true, force: true });
}

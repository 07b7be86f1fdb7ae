// The `klaviyo-relay` bin under a Node older than the relay needs (issue 22): run by the system Node (the one
// that runs npm, first on a PATH without node_modules/.bin), it runs the CLI under the project's Node 22 (the
// `node` devDependency), or, where there is none, says what it needs. Skipped where no older Node is installed.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'bin', 'klaviyo-relay.mjs');

/** A `node` on PATH (or the usual system places) older than 22.12, e.g. the Node 20 that runs npm. */
function olderNode(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin', '/bin'];
  for (const dir of dirs.filter((d) => d !== '' && !d.includes('node_modules'))) {
    const candidate = path.join(dir, 'node');
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
      if (major < 22 || (major === 22 && minor < 12)) return candidate;
    } catch {
      // no node there
    }
  }
  return undefined;
}

const oldNode = olderNode();
/** The PATH a bare `klaviyo-relay` sees outside npm: without node_modules/.bin. */
const plainPath = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((d) => !d.includes('node_modules'))
  .join(path.delimiter);

async function run(file: string, args: string[]) {
  return promisify(execFile)(oldNode as string, [file, ...args], {
    timeout: 60_000,
    cwd: tmpdir(),
    env: { ...process.env, PATH: plainPath, KLAVIYO_RELAY_RELAUNCHED: '' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** A copy of the bin beside a stand-in CLI that prints the Node it runs under, with or without node_modules. */
function standIn(withNodeModules: boolean): string {
  const root = mkdtempSync(path.join(tmpdir(), 'relay-bin-'));
  mkdirSync(path.join(root, 'bin'));
  mkdirSync(path.join(root, 'cli'));
  copyFileSync(bin, path.join(root, 'bin', 'klaviyo-relay.mjs'));
  writeFileSync(
    path.join(root, 'cli', 'relay.ts'),
    "console.log(`node ${process.version}`, process.argv.slice(2).join(' '));\nprocess.exitCode = 3;\n",
  );
  if (withNodeModules) symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  return path.join(root, 'bin', 'klaviyo-relay.mjs');
}

describe.skipIf(oldNode === undefined)(`the klaviyo-relay bin under an older Node (${oldNode})`, () => {
  it('answers --help with the usage', { timeout: 90_000 }, async () => {
    const result = await run(bin, ['--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: klaviyo-relay /);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('runs the CLI under the project Node 22, passing arguments and the exit code through', async () => {
    const result = await run(standIn(true), ['dlq', 'list', '--stage', 'deliver']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/^node v(2[2-9]|[3-9]\d)\.\S+ dlq list --stage deliver\n$/);
  });

  it('without the project Node, says what it needs and how to get it (exit 1, no stack trace)', async () => {
    const result = await run(standIn(false), ['--help']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^klaviyo-relay needs Node\.js 22\.12 or newer; this is v\d+/);
    expect(result.stderr).toMatch(/npm ci/);
    expect(result.stderr).toMatch(/npx klaviyo-relay/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

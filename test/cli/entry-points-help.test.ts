// Every entry point of the repository — each script of package.json that runs a file of ours, and the `bin` —
// answers `--help` with its usage (exit 0), and an option it does not know with a one-line error and the usage
// (exit 2; the relay CLI keeps commander's 1), never a stack trace. A new script must be one or the other below.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

/** Scripts that run someone else's tool, which has its own `--help`. */
const TOOL_SCRIPTS = ['typecheck', 'lint', 'format', 'test', 'test:unit'];

/** The files of ours each script runs (config:generate runs three). */
const filesOf = (command: string) =>
  [...command.matchAll(/(?:^|\s)((?:local|cli|scripts|bin)\/\S+\.(?:ts|mjs))/g)].map((m) => m[1] as string);

const entryFiles = [...new Set([...Object.values(pkg.scripts).flatMap(filesOf), ...Object.values(pkg.bin)])];

/** Runs a file as its script does (node with tsx), without npm in between so the exit code is the file's. */
async function run(file: string, args: string[]) {
  const node = file.endsWith('.mjs') ? [] : ['--disable-warning=ExperimentalWarning', '--import', 'tsx'];
  return promisify(execFile)(process.execPath, [...node, file, ...args], { timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('entry points', () => {
  it('every script runs a file of ours or is a known tool', () => {
    const unknown = Object.entries(pkg.scripts)
      .filter(([name, command]) => filesOf(command).length === 0 && !TOOL_SCRIPTS.includes(name))
      .map(([name]) => name);
    expect(unknown).toEqual([]);
    expect(entryFiles).toEqual(expect.arrayContaining(['local/start.ts', 'local/send.ts', 'cli/relay.ts']));
  });

  describe.each(entryFiles)('%s', (file) => {
    const relayCli = file === 'cli/relay.ts' || file.startsWith('bin/');

    it('answers --help with its usage and exits 0', { timeout: 90_000 }, async () => {
      const result = await run(file, ['--help']);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^usage: /i);
    });

    it('answers an unknown option with one line and the usage', { timeout: 90_000 }, async () => {
      const result = await run(file, ['--no-such-option']);
      expect(result.code, result.stdout).toBe(relayCli ? 1 : 2);
      const [first = '', ...rest] = result.stderr.split('\n');
      expect(first).toMatch(/unknown option '--no-such-option'/i);
      expect(rest.join('\n')).toMatch(/usage: /i);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });
  });
});

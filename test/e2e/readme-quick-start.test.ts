// The README's quick start, run as a newcomer runs it (issue 22): `git clone` of this repository's HEAD into a
// temporary directory with nothing beside it, then the shell commands of the README's first screen (its `sh`
// blocks before the first `##` heading), parsed from README.md so that an edit that breaks one fails here:
//  - `npm ci` is not run: node_modules is linked from this checkout instead (installing takes minutes and the
//    network; that `npm ci` works from the lock file is what CI itself proves on every run);
//  - `npm test` is not run: it is the suite this test belongs to;
//  - `npm start` runs in the background until its banner has printed the webhook URL of .local/stack.json;
//  - every other command must exit 0, in order, in the clone; a command whose comment quotes what it prints
//    ("…") is run again until its output holds that text (the pipeline takes a moment), or the test fails.
// The environment is the test's own, without the variables that would send elsewhere (KLAVIYO_*, RELAY_CONFIG,
// the secrets) and with PORT=0, so that it never collides with a relay already on port 3000: the commands find
// the relay through .local/stack.json, as they would on the default port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, run, describeRun } from '../../scripts/local-aws/run.ts';
import { waitFor } from '../helpers/wait.ts';

interface QuickStartCommand {
  /** The command as the README writes it, without its comment. */
  readonly line: string;
  /** What its comment quotes as its output, if anything. */
  readonly expects: string | undefined;
  readonly kind: 'install' | 'suite' | 'start' | 'run';
}

/** The commands of the README's `sh` blocks before its first `##` heading. */
function quickStartCommands(readme: string): QuickStartCommand[] {
  const firstScreen = readme.split(/^## /m)[0] ?? '';
  const blocks = [...firstScreen.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((raw) => {
      const hash = raw.search(/(^|\s)#(\s|$)/);
      const line = (hash === -1 ? raw : raw.slice(0, hash)).trim();
      const comment = hash === -1 ? '' : raw.slice(hash);
      return { line, expects: /"([^"]+)"/.exec(comment)?.[1] };
    })
    .filter(({ line }) => line !== '')
    .map(({ line, expects }) => ({
      line,
      expects,
      kind:
        line === 'npm ci'
          ? 'install'
          : line === 'npm test'
            ? 'suite'
            : line === 'npm start'
              ? 'start'
              : 'run',
    }));
}

/** This process's environment without what would send the relay elsewhere or silence its logs. */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(KLAVIYO_|RELAY_|POWERTOOLS_|AWS_|DEMO_|SHOPIFY_|PORT$|npm_|VITEST|NODE_OPTIONS$)/.test(name))
      env[name] = value;
  return { ...env, PORT: '0' };
}

const stopStart = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGINT');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};

describe('the README quick start, parsed', () => {
  it('finds the install, the suite, the start and at least a send and a check', async () => {
    const commands = quickStartCommands(await readFile(path.join(repoRoot, 'README.md'), 'utf8'));
    expect(commands.map((c) => c.kind).slice(0, 3)).toEqual(['install', 'suite', 'start']);
    const runs = commands.filter((c) => c.kind === 'run');
    expect(runs.some((c) => c.line.startsWith('npm run send'))).toBe(true);
    expect(runs.at(-1)?.expects, 'the last command says what it prints').toBeTruthy();
  });

  it('reads a quoted expectation and leaves the comment out', () => {
    const readme =
      '# t\n\n```sh\nnpm start   # runs\n# a whole-line comment\nnpm run x -- y # prints "z: done"\n```\n\n## Later\n\n```sh\nnope\n```\n';
    expect(quickStartCommands(readme)).toEqual([
      { line: 'npm start', expects: undefined, kind: 'start' },
      { line: 'npm run x -- y', expects: 'z: done', kind: 'run' },
    ]);
  });
});

describe('the README quick start in a bare clone', () => {
  let scratch = '';
  let clone = '';
  let started: ChildProcess | undefined;
  let startOutput = '';
  let commands: QuickStartCommand[] = [];
  const env = newcomerEnv();

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'relay-readme-'));
    clone = path.join(scratch, 'klaviyo-webhook-relay');
    const cloned = await run('git', ['clone', '--quiet', repoRoot, clone], { cwd: scratch });
    expect(cloned.code, describeRun('git clone', cloned)).toBe(0);
    await symlink(await realpath(path.join(repoRoot, 'node_modules')), path.join(clone, 'node_modules'));
    commands = quickStartCommands(await readFile(path.join(clone, 'README.md'), 'utf8'));
  });

  afterAll(async () => {
    if (started) await stopStart(started);
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('starts with npm start, and every other command works as written', { timeout: 60_000 }, async () => {
    const start = commands.find((c) => c.kind === 'start');
    expect(start, 'the README starts the relay with npm start').toBeDefined();
    started = spawn('sh', ['-c', start?.line ?? ''], { cwd: clone, env, detached: true });
    started.stdout?.on('data', (chunk: Buffer) => (startOutput += chunk.toString('utf8')));
    started.stderr?.on('data', (chunk: Buffer) => (startOutput += chunk.toString('utf8')));
    const stackFile = path.join(clone, '.local', 'stack.json');
    const webhookBase = await waitFor(
      "npm start's banner",
      async () => {
        if (started?.exitCode !== null) throw new Error(`npm start exited:\n${startOutput}`);
        if (!existsSync(stackFile)) return undefined;
        const stack = JSON.parse(await readFile(stackFile, 'utf8')) as Record<string, { value: unknown }>;
        const base = stack.webhook_base_url?.value;
        return typeof base === 'string' && startOutput.includes(base) ? base : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(webhookBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    // What the relay has sent on to Klaviyo, from its status endpoint: a check quoted in the README is tried once
    // the relay is idle again, rather than started (a Node process each) until the pipeline catches up.
    const status = `${webhookBase.replace(/\/webhooks$/, '')}/_relay/status`;
    const settled = async (before: number) => {
      const s = (await (await fetch(status)).json()) as {
        queues: Record<string, { waiting: number; in_flight: number; delayed: number }>;
        klaviyo_events?: number;
      };
      const busy = Object.values(s.queues).some((q) => q.waiting + q.in_flight + q.delayed > 0);
      return !busy && (s.klaviyo_events ?? 0) > before;
    };
    let events = 0;
    for (const command of commands.filter((c) => c.kind === 'run')) {
      const once = () => run('sh', ['-c', command.line], { cwd: clone, env, timeoutMs: 30_000 });
      if (command.expects === undefined) {
        const result = await once();
        expect(result.code, describeRun(command.line, result) + `\n--- npm start\n${startOutput}`).toBe(0);
        continue;
      }
      await waitFor('the relay to deliver and go idle', () => settled(events), { timeoutMs: 15_000 }).catch(
        () => undefined, // the check below says what is wrong
      );
      events = ((await (await fetch(status)).json()) as { klaviyo_events?: number }).klaviyo_events ?? 0;
      let last: Awaited<ReturnType<typeof once>> | undefined;
      await waitFor(
        `\`${command.line}\` to print "${command.expects}"`,
        async () => {
          last = await once();
          return last.code === 0 && last.stdout.includes(command.expects ?? '');
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      ).catch((error: unknown) => {
        const tried = last ? describeRun(command.line, last) : '';
        throw new Error(`${(error as Error).message}\n${tried}\n--- npm start\n${startOutput}`);
      });
    }
  });
});

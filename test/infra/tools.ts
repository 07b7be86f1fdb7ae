// Helpers shared by the infrastructure tests: finding the external tools they need (and the skip-or-fail
// rule when one is missing), running a command without a shell, and a few Terraform conveniences.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of an executable found on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface Requirement {
  /** What is needed, e.g. `terraform on PATH`. */
  readonly what: string;
  readonly present: boolean;
  /** How to get it. */
  readonly hint: string;
}

export function commandOnPath(command: string, hint: string): Requirement {
  return { what: `\`${command}\` on PATH`, present: findOnPath(command) !== undefined, hint };
}

export function directoryExists(dir: string, what: string, hint: string): Requirement {
  return { what, present: existsSync(dir), hint };
}

/**
 * The skipping rule of the infrastructure tests: when something they need is missing they are skipped with
 * a loud warning, except under CI (`CI=true`), where a missing tool is an error so that CI cannot go green
 * without running them. Returns true when the suite can run.
 */
export function canRun(suite: string, requirements: readonly Requirement[]): boolean {
  const missing = requirements.filter((r) => !r.present);
  if (missing.length === 0) return true;
  const lines = missing.map((r) => `  - missing ${r.what}: ${r.hint}`).join('\n');
  if (process.env.CI === 'true') {
    throw new Error(`${suite} cannot run and CI=true forbids skipping it:\n${lines}`);
  }
  const bar = '!'.repeat(100);
  console.warn(
    `\n${bar}\nSKIPPING ${suite}:\n${lines}\n(Under CI=true this is a failure, not a skip.)\n${bar}\n`,
  );
  return false;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command after this many milliseconds (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** Runs a command (no shell) and collects its output; never rejects on a non-zero exit code. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
      });
    });
  });
}

/** A readable failure message for a command that did not do what was expected. */
export function describeRun(label: string, result: RunResult): string {
  const tail = (text: string): string => text.split('\n').slice(-60).join('\n');
  return `${label} exited with ${result.code} after ${result.ms} ms\n--- stdout (tail)\n${tail(result.stdout)}\n--- stderr (tail)\n${tail(result.stderr)}`;
}

/** Providers come from the local mirror: $TF_PLUGIN_MIRROR, default /opt/tf-plugins. */
export const providerMirror = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';

/**
 * Writes a Terraform CLI configuration with scripts/terraform-cli-config.sh and returns the environment for
 * Terraform child processes: that configuration, automation mode, no prompts.
 */
export async function terraformEnv(
  configFile: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  const result = await run('bash', [path.join(repoRoot, 'scripts', 'terraform-cli-config.sh'), configFile]);
  if (result.code !== 0) throw new Error(describeRun('scripts/terraform-cli-config.sh', result));
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: result.stdout.trim(),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...extra,
  };
}

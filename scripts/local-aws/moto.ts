// Starts moto_server (all AWS services on one loopback port) with the small compatibility shim in
// scripts/local-aws/moto-shim/ (see sitecustomize.py there and docs/adr/0002-*): for the apply tests, which
// stop it when done, and for `npm run deploy:local`, which leaves it running in the background. And the
// provider block that sends every AWS service the module uses to it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from './run.ts';

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  /** Output of the server so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** moto_server's command line and environment: loopback only, the shim on PYTHONPATH. */
function motoCommand(port: number): { args: string[]; env: NodeJS.ProcessEnv } {
  const shim = path.join(repoRoot, 'scripts', 'local-aws', 'moto-shim');
  const pythonPath = [shim, process.env.PYTHONPATH]
    .filter((p) => p !== undefined && p !== '')
    .join(path.delimiter);
  return { args: ['-H', '127.0.0.1', '-p', String(port)], env: { ...process.env, PYTHONPATH: pythonPath } };
}

/** Whether a moto_server answers at this endpoint. */
export async function motoAnswers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  } catch {
    return false;
  }
}

/** Waits until moto answers; false when the deadline passes or `gone()` says the process has exited. */
async function waitForMoto(endpoint: string, timeoutMs: number, gone: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    if (await motoAnswers(endpoint)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

export async function startMoto(timeoutMs = 60_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const { args, env } = motoCommand(port);
  const child = spawn('moto_server', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
  };

  if (await waitForMoto(endpoint, timeoutMs, () => child.exitCode !== null))
    return { endpoint, port, log: () => output.join(''), stop };
  await stop();
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output.join('')}`);
}

/**
 * Starts moto_server on a given port, detached so that it outlives this process, its output appended to
 * `logFile`; returns its process id once it answers.
 */
export async function startMotoInBackground(
  port: number,
  logFile: string,
  timeoutMs = 60_000,
): Promise<number> {
  const endpoint = `http://127.0.0.1:${port}`;
  const { args, env } = motoCommand(port);
  const log = openSync(logFile, 'a');
  const child = spawn('moto_server', args, { env, stdio: ['ignore', log, log], detached: true });
  let failed: Error | undefined;
  child.on('error', (error) => (failed = error));
  child.unref();
  if (await waitForMoto(endpoint, timeoutMs, () => failed !== undefined || child.exitCode !== null))
    return child.pid ?? 0;
  if (child.exitCode === null) child.kill('SIGTERM');
  throw new Error(
    `moto_server did not answer on ${endpoint} within ${timeoutMs} ms${failed ? ` (${failed.message})` : ''}; see ${logFile}`,
  );
}

/** The AWS services the module and the examples use; each gets the moto endpoint in the provider block. */
export const PROVIDER_SERVICES = [
  'apigatewayv2',
  'cloudwatch',
  'cloudwatchlogs',
  'dynamodb',
  'iam',
  'kms',
  'lambda',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'sts',
] as const;

/**
 * An override file for an example root: it replaces the example's provider "aws" block settings so that
 * every service goes to moto with static test credentials.
 */
export function providerOverride(endpoint: string, writtenBy = 'test/infra/moto-apply.test.ts'): string {
  const width = Math.max(...PROVIDER_SERVICES.map((s) => s.length));
  const endpoints = PROVIDER_SERVICES.map((s) => `    ${s.padEnd(width)} = "${endpoint}"`).join('\n');
  return `# Written by ${writtenBy}: every AWS service goes to moto_server on loopback.
provider "aws" {
  region                      = var.region
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
${endpoints}
  }
}
`;
}

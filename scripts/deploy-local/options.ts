// The command line of `npm run deploy:local` (scripts/deploy-local.ts): what it takes and its checks, apart
// from the script so that a test can read it without moto or Terraform.
import path from 'node:path';
import type { EntryUsage } from '../../operations/entry-args.ts';
import { repoRoot } from '../local-aws/run.ts';

export const DEFAULT_PORT = 5000;
export const DEFAULT_DIR = '.local/deploy-local';
/** The complete example's default region; the provider override sends it to moto like every other. */
export const REGION = 'us-east-2';

export const USAGE: EntryUsage = {
  command: 'npm run deploy:local --',
  description:
    'Applies terraform/examples/complete to a moto_server on loopback (started in the background and left\n' +
    'running), then runs the deployed functions against it until Ctrl-C: ingest behind a local webhook\n' +
    'endpoint (--port + 1), hydrate and deliver polling their queues, deliver sending to the Klaviyo mock\n' +
    '(--port + 2; KLAVIYO_API_KEY or KLAVIYO_BASE_URL send elsewhere), the demo API on --port + 3. Writes a stack\n' +
    'file for the relay CLI (--stack). --destroy takes it down and stops that moto_server. Needs terraform,\n' +
    'moto_server and the provider mirror; no AWS account.',
  options: {
    destroy: 'destroy what an earlier run applied and stop its moto_server',
    port: 'the loopback port of moto_server; the local servers take the next three',
    dir: 'where the Terraform root, state, stack file and moto log go',
  },
};

export const OPTIONS = {
  destroy: { type: 'boolean', default: false },
  port: { type: 'string', default: String(DEFAULT_PORT) },
  dir: { type: 'string', default: DEFAULT_DIR },
} as const;

export interface DeployLocalOptions {
  readonly destroy: boolean;
  readonly port: number;
  /** Absolute. */
  readonly dir: string;
  /** The moto endpoint: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
}

/** The loopback ports beside moto's: the webhook endpoint, the Klaviyo mock and the demo API, fixed by --port. */
export function localPorts(options: Pick<DeployLocalOptions, 'port'>): {
  webhook: number;
  klaviyoMock: number;
  demoApi: number;
} {
  if (options.port + 3 > 65_535)
    throw new Error(
      `--port must leave the next three ports free for the local servers: at most 65532, not ${options.port}`,
    );
  return { webhook: options.port + 1, klaviyoMock: options.port + 2, demoApi: options.port + 3 };
}

/** Checks the parsed values; throws an Error whose message says what is wrong with which option. */
export function deployLocalOptions(values: {
  destroy?: boolean;
  port?: string;
  dir?: string;
}): DeployLocalOptions {
  const portText = values.port ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535)
    throw new Error(`--port must be a TCP port number from 1 to 65535, not "${portText}"`);
  const dir = path.resolve(repoRoot, values.dir ?? DEFAULT_DIR);
  // Inside the clone only under an ignored folder, so that the state and the copies are never committed.
  const inside = path.relative(repoRoot, dir);
  const insideRepo = !inside.startsWith('..') && !path.isAbsolute(inside);
  if (insideRepo && !['.local', '.tmp'].includes(inside.split(path.sep)[0] ?? ''))
    throw new Error(`--dir must be outside the repository or under .local/ or .tmp/, not "${values.dir}"`);
  return { destroy: values.destroy ?? false, port, dir, endpoint: `http://127.0.0.1:${port}` };
}

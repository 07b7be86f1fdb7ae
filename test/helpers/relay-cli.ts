// What the CLI tests share: the relay CLI run as `npm run relay` runs it (without npm), the shape of
// `trace --json`, a signed demo webhook posted to local mode, and a queue's depth.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { signedHeaders } from '../../operations/sign.ts';
import { type LocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';
import { queueCounts } from '../../operations/queue-counts.ts';

/** Runs `cli/relay.ts` with `args`; rejects (with code, stdout and stderr) on a non-zero exit. */
export function runRelay(args: readonly string[], env?: NodeJS.ProcessEnv) {
  return promisify(execFile)(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'cli/relay.ts', ...args],
    env ? { env: { ...process.env, ...env } } : {},
  );
}

/** What `relay trace --json` prints (cli/commands/trace.ts). */
export interface Trace {
  correlation_id: string;
  verdict: string;
  dedupe: { state: string; claimed_at: string | null; expires_at: string | null } | null;
  queues: {
    /** The queue key: hydrate, deliver, deliver-consent, … */
    queue: string;
    stage: string;
    kind: string;
    scanned: number;
    bound_hit: boolean;
    hits: { reason: string | null }[];
  }[];
  logs: { origin: string | null; lines: { function: string; message: string; outcome: string | null }[] };
}

/** Signs `body` as the demo source's sender does and posts it; returns the delivery id (the answer must be 202). */
export async function sendDemo(stack: LocalStack, body: Buffer): Promise<string> {
  const source = stack.config.sources.demo;
  if (!source) throw new Error('config/local.json has no demo source');
  const deliveryId = randomUUID();
  const headers = signedHeaders(source, body, DEV_SECRETS.DEMO_WEBHOOK_SECRET, { deliveryId });
  const response = await fetch(stack.webhookUrl('demo'), { method: 'POST', headers, body });
  if (response.status !== 202) throw new Error(`the demo webhook was answered ${response.status}`);
  return deliveryId;
}

/** Messages waiting or in flight on a queue. */
export async function queueDepth(stack: LocalStack, queueUrl: string): Promise<number> {
  const { waiting, inFlight } = await queueCounts(stack.aws.sqs, queueUrl);
  return waiting + inFlight;
}

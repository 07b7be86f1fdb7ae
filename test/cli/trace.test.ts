// `relay trace` against local mode, as an operator uses it against a deployment: a delivered webhook (its
// record done, its log lines from all three stages), one Klaviyo refused (dead-lettered in deliver, with the
// reason, and still in the DLQ after the trace), and a delivery id the relay never saw.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { teeLogLines } from '../../local/log-tee.ts';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { queueDepth, runRelay, sendDemo, type Trace } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let stackFile: string;
let stopLogTee: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relay-trace-'));
  // The handlers log (the test setup silences them) into local mode's log file, as `npm start` has them.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const logFile = path.join(dir, 'logs.jsonl');
  stopLogTee = await teeLogLines(logFile, { echo: false });
  stack = await startLocalStack({ env: {}, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  mock = stack.klaviyoMock;
  stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint, logFile));
});
afterAll(async () => {
  await stack.stop();
  await stopLogTee();
  await rm(dir, { recursive: true, force: true });
});

const trace = async (...args: string[]) => (await runRelay(['trace', ...args, '--stack', stackFile])).stdout;

describe('relay trace', () => {
  it('traces a delivered webhook: record done, in no queue, log lines from all three stages', async () => {
    const id = await sendDemo(stack, await readFile('samples/demo-order.json'));
    await waitFor('the event at Klaviyo', () => mock.events().some((e) => e.uniqueId === `demo:${id}`));
    await waitFor('the queues drained', () => stack.drained());

    const result = JSON.parse(await trace('demo', id, '--json', '--live-queues')) as Trace;
    expect(result).toMatchObject({
      correlation_id: `demo:${id}`,
      verdict: 'delivered',
      dedupe: { state: 'done' },
    });
    expect(result.dedupe?.claimed_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // With --live-queues: each of the stack's seven queues (hydrate, deliver and the five deliver families) and its DLQ.
    expect(result.queues).toHaveLength(14);
    expect(result.queues.every((q) => q.hits.length === 0 && !q.bound_hit)).toBe(true);
    expect(result.logs.origin).toBe('local');
    expect(new Set(result.logs.lines.map((l) => l.function))).toEqual(
      new Set(['ingest', 'hydrate', 'deliver']),
    );
    expect(result.logs.lines).toContainEqual(
      expect.objectContaining({ function: 'deliver', outcome: 'delivered' }),
    );

    const text = await trace('demo', id);
    expect(text.split('\n')[0]).toBe(`demo:${id}: delivered`);
    expect(text).toMatch(/state: +done/);
  });

  it('traces a webhook Klaviyo refused to the deliver DLQ with its reason, and leaves it there', async () => {
    mock.inject({ status: 400, times: 1, path: '/api/events' });
    const id = await sendDemo(stack, await readFile('samples/demo-order.json'));
    await waitFor(
      'the deliver dead letter',
      async () => (await queueDepth(stack, stack.aws.deliver.dlqUrl)) === 1,
    );

    const result = JSON.parse(await trace('demo', id, '--json', '--live-queues')) as Trace;
    expect(result.verdict).toBe('dead-lettered in deliver: klaviyo_400');
    expect(result.queues).toContainEqual(
      expect.objectContaining({
        stage: 'deliver',
        kind: 'dlq',
        hits: [expect.objectContaining({ reason: 'klaviyo_400' })],
      }),
    );
    expect(result.logs.lines).toContainEqual(
      expect.objectContaining({ function: 'deliver', outcome: 'dead_lettered' }),
    );
    // The text names the letter's detail (Klaviyo's detail and pointer), not only the reason code.
    const text = await trace('demo', id, '--no-logs');
    expect(text).toMatch(
      /reason: klaviyo_400 .*\n +detail: invalid · Injected fault: status 400\. · at \/data\//,
    );
    // And the dead letter's log line says why, too.
    expect(await trace('demo', id)).toMatch(/outcome=dead_lettered .*\n +detail: .*answered 400: invalid/);
    // Peeking took nothing out.
    expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(1);

    // By default the DLQs alone: the stages' queues are not received from (a receive counts toward maxReceiveCount).
    const dlqsOnly = JSON.parse(await trace('demo', id, '--json', '--no-logs')) as Trace;
    expect(dlqsOnly.verdict).toBe('dead-lettered in deliver: klaviyo_400');
    // One DLQ per queue of the stack: hydrate, deliver, and a deliver queue per family where the stack has them.
    expect(dlqsOnly.queues.map((q) => q.kind)).toEqual(
      result.queues.map(() => 'dlq').slice(result.queues.length / 2),
    );
    expect(dlqsOnly.queues.map((q) => q.queue).slice(0, 2)).toEqual(['hydrate', 'deliver']);
  });

  it('says a delivery id the relay never saw was never accepted', async () => {
    const result = JSON.parse(await trace('demo', randomUUID(), '--json', '--max-messages', '5')) as Trace;
    expect(result).toMatchObject({
      verdict: 'never accepted (or its dedupe record has expired)',
      dedupe: null,
    });
    expect(result.logs.lines).toEqual([]);
  });

  it('fails with one line when the stack names no dedupe table', async () => {
    const noTable = path.join(dir, 'no-table.json');
    await writeFile(noTable, JSON.stringify({ queue_urls: { value: { hydrate: stack.aws.hydrate.url } } }));
    const failed = await promisify(execFile)(process.execPath, [
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      'cli/relay.ts',
      'trace',
      'demo',
      'x',
      '--stack',
      noTable,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toBe(
      `klaviyo-relay: the dedupe table is not known: ${noTable} has no output dedupe_table_name: the root module must export the relay module's outputs — add \`output "relay" { value = module.relay }\`, apply, and write the file again with \`terraform output -json > ${noTable}\`; pass --table\n`,
    );
  });

  it('still shows the record and queues when the log lines cannot be read, and exits with 1', async () => {
    // A deployment's stack (log groups, no local log file) whose CloudWatch Logs endpoint does not answer.
    const outputs = localStackOutputs(stack, stack.apiEndpoint);
    outputs.log_group_names = {
      value: { ingest: 'relay-ingest', hydrate: 'relay-hydrate', deliver: 'relay-deliver' },
    };
    const deployed = path.join(dir, 'deployed.json');
    await writeFile(deployed, JSON.stringify(outputs));
    const failed = await promisify(execFile)(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        'cli/relay.ts',
        'trace',
        'demo',
        'x',
        '--json',
        '--stack',
        deployed,
      ],
      {
        env: {
          ...process.env,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:9',
        },
      },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toMatch(/^klaviyo-relay: the log lines could not be read: /m);
    const result = JSON.parse(failed.stdout) as Trace & { logs: { error?: string } };
    expect(result).toMatchObject({
      verdict: 'never accepted (or its dedupe record has expired)',
      dedupe: null,
    });
    expect(result.logs.error).toEqual(expect.any(String));
  });
});

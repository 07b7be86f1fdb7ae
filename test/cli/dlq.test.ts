// The relay CLI against local mode, as an operator uses it against a deployment: dead letters listed by
// reason, one shown in full, a dry run that changes nothing, and a filtered redrive after which the stage
// delivers the original and the DLQ no longer holds it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { queueDepth, runRelay, sendDemo } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let stackFile: string;

beforeAll(async () => {
  stack = await startLocalStack({ env: {}, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  mock = stack.klaviyoMock;
  dir = await mkdtemp(path.join(tmpdir(), 'relay-cli-'));
  stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint));
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

const relay = async (...args: string[]) => (await runRelay([...args, '--stack', stackFile])).stdout;

describe('relay dlq', () => {
  // Several CLI runs, each a fresh process, and two deliveries: about 24 s on a quiet machine, too close to 30 s.
  it(
    'lists, shows and redrives dead letters; a redriven letter is delivered once and leaves the DLQ',
    { timeout: 120_000 },
    async () => {
      const order = await readFile('samples/demo-order.json');
      // Two letters in the deliver DLQ: Klaviyo refused both events (400) while it misbehaved.
      mock.inject({ status: 400, times: 2, path: '/api/events' });
      const first = await sendDemo(stack, order);
      const second = await sendDemo(stack, order);
      await waitFor(
        'two deliver dead letters',
        async () => (await queueDepth(stack, stack.aws.deliver.dlqUrl)) === 2,
      );
      expect(mock.events()).toHaveLength(0);

      const listed = JSON.parse(await relay('dlq', 'list', 'deliver', '--json')) as {
        total: number;
        reasons: { reason: string; count: number; sources: string[] }[];
      };
      expect(listed).toMatchObject({
        total: 2,
        reasons: [{ reason: 'klaviyo_400', count: 2, sources: ['demo'] }],
      });
      // Reading does not take anything out.
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(2);
      // Local mode's status endpoint says the same.
      const status = (await (await fetch(stack.statusUrl)).json()) as {
        dlqs: { deliver: unknown };
        webhooks: Record<string, number>;
      };
      expect(status.dlqs.deliver).toEqual({ count: 2, reasons: { klaviyo_400: 2 } });
      expect(status.webhooks.accepted).toBe(2);
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(2);

      const shown = JSON.parse(await relay('dlq', 'show', 'deliver', `demo:${first}`, '--json')) as Record<
        string,
        unknown
      >;
      expect(shown).toMatchObject({
        correlation_id: `demo:${first}`,
        reason: 'klaviyo_400',
        letter: { stage: 'deliver', reason: 'klaviyo_400' },
        original: { type: 'klaviyo.event', delivery_id: first },
      });
      const text = await relay('dlq', 'show', 'deliver', `demo:${first}`);
      expect(text).toMatch(new RegExp(`^correlation id: +demo:${first}$`, 'm'));
      expect(text).toMatch(/^reason: +klaviyo_400$/m);
      // Why, as Klaviyo said it: the error's code, detail and pointer, not only in --json.
      expect(text).toMatch(/^detail: +invalid · Injected fault: status 400\. · at \/data\/$/m);
      expect(text.split('original message:\n')[1]).toContain(`"delivery_id": "${first}"`);

      const dry = JSON.parse(await relay('dlq', 'redrive', 'deliver', '--dry-run', '--json')) as Record<
        string,
        unknown
      >;
      expect(dry).toMatchObject({ dry_run: true, matched: 2, redriven: 0 });
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(2);

      // A filter that matches nothing leaves both.
      const none = JSON.parse(
        await relay('dlq', 'redrive', 'deliver', '--reason', 'retries_exhausted', '--json'),
      ) as Record<string, unknown>;
      expect(none).toMatchObject({ matched: 0, redriven: 0, skipped: 2 });

      const redriven = JSON.parse(
        await relay('dlq', 'redrive', 'deliver', '--reason', 'klaviyo_400', '--source', 'demo', '--json'),
      ) as Record<string, unknown>;
      expect(redriven).toMatchObject({ matched: 2, redriven: 2, failed: 0 });
      await waitFor('both events at Klaviyo', () => mock.events().length === 2);
      await waitFor('the queues drained', () => stack.drained());
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(0);
      expect(
        mock
          .events()
          .map((e) => e.uniqueId)
          .sort(),
      ).toEqual([`demo:${first}`, `demo:${second}`].sort());

      const after = JSON.parse(await relay('dlq', 'list', 'deliver', '--json')) as { total: number };
      expect(after.total).toBe(0);
    },
  );

  it(
    'sends each letter present at the start back once, though the stage dead-letters it again, and says so',
    { timeout: 120_000 },
    async () => {
      mock.reset();
      const order = await readFile('samples/demo-order.json');
      // Klaviyo refuses every event until cleared: the letter fails again as soon as it is redriven.
      mock.inject({ status: 400, probability: 1, path: '/api/events' });
      const deliveryId = await sendDemo(stack, order);
      await waitFor(
        'one deliver dead letter',
        async () => (await queueDepth(stack, stack.aws.deliver.dlqUrl)) === 1,
      );
      const eventRequests = () => mock.requests().filter((r) => r.path === '/api/events').length;
      const before = eventRequests();

      // Before issue 18 (item 12) this never ended: each letter the stage wrote again was redriven again.
      const run = await promisify(execFile)(
        process.execPath,
        [
          ...['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'cli/relay.ts'],
          ...['dlq', 'redrive', 'deliver', '--json', '--stack', stackFile],
        ],
        { timeout: 60_000, killSignal: 'SIGKILL' },
      ).catch((error: { killed?: boolean }) => {
        throw new Error(`the redrive did not end by itself (killed: ${String(error.killed)})`);
      });
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        at_start: 1,
        matched: 1,
        redriven: 1,
        failed: 0,
        failed_again: 1,
        failed_again_by_reason: { klaviyo_400: 1 },
      });
      // Klaviyo saw the event once more, not thousands of times, and the letter is back in the DLQ, once.
      expect(eventRequests() - before).toBe(1);
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(1);
      const listed = JSON.parse(await relay('dlq', 'list', 'deliver', '--json', '--all')) as {
        reasons: { letters: { correlation_id: string }[] }[];
      };
      expect(listed.reasons.flatMap((r) => r.letters.map((l) => l.correlation_id))).toEqual([
        `demo:${deliveryId}`,
      ]);
      mock.reset();
    },
  );

  it('says which stage names are valid and how to name the stack', async () => {
    const failed = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'cli/relay.ts',
      'dlq',
      'list',
      'ingest',
      '--stack',
      stackFile,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toMatch(/"ingest" is not a stage: use hydrate or deliver/);
  });
});

// `relay dlq`, `trace` and `status` against a stack with a deliver queue per Klaviyo write family (docs/adr/0035):
// a stage lists every one of its queues' DLQs, grouped by queue; a consent letter is redriven to the consent queue,
// never the events queue; trace finds a message in a family queue; an older stack file (hydrate, deliver) still
// works. The emulators alone (no functions consume), so each message stays where the CLI put it; the command tree
// runs in this process (one process start costs more than the whole test; test/cli/dlq.test.ts runs the bin).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { relayProgram } from '../../cli/program.ts';
import type { DeadLetterV1 } from '../../functions/shared/stage/contracts.ts';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { startLocalAws, type LocalAws } from '../../local/emulators.ts';
import { queueCounts } from '../../operations/queue-counts.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { consentFixture } from '../helpers/consent-messages.ts';

let aws: LocalAws;
let dir: string;
/** The queue pairs of the family queues this test adds beside local mode's hydrate and deliver. */
const family: Record<string, { url: string; dlqUrl: string }> = {};
let familyStack: string;
let oldStack: string;

const consent = consentFixture('c-1');
const event = { type: 'klaviyo.event', correlation_id: 'demo:e-1', delivery_id: 'e-1' };

async function createQueue(name: string): Promise<string> {
  const { QueueUrl } = await aws.sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`no queue ${name}`);
  return QueueUrl;
}

/** A deliver dead letter of `original`, in the DLQ at `dlqUrl`, as deliver writes it. */
async function deadLetter(dlqUrl: string, original: { correlation_id: string }): Promise<void> {
  const letter: DeadLetterV1 = {
    type: 'dead-letter',
    version: 1,
    stage: 'deliver',
    reason: 'klaviyo_400',
    failed_at: new Date(Date.now() - 60_000).toISOString(),
    original: encodeMessageBody(original),
  };
  await aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: JSON.stringify(letter),
      MessageAttributes: { correlation_id: { DataType: 'String', StringValue: original.correlation_id } },
    }),
  );
}

const depth = async (url: string) => {
  const { waiting, inFlight } = await queueCounts(aws.sqs, url);
  return waiting + inFlight;
};

beforeAll(async () => {
  aws = await startLocalAws();
  dir = await mkdtemp(path.join(tmpdir(), 'relay-family-queues-'));
  for (const key of ['deliver-consent', 'deliver-profiles'])
    family[key] = {
      url: await createQueue(`test-${key}`),
      dlqUrl: await createQueue(`test-${key}-dlq`),
    };
  const outputs = (pairs: Record<string, { url: string; dlqUrl: string }>) => ({
    queue_urls: { value: Object.fromEntries(Object.entries(pairs).map(([k, p]) => [k, p.url])) },
    dlq_urls: { value: Object.fromEntries(Object.entries(pairs).map(([k, p]) => [k, p.dlqUrl])) },
    dedupe_table_name: { value: aws.tableName },
    local_endpoints: { value: { sqs: aws.sqsEndpoint, s3: aws.sqsEndpoint, dynamodb: aws.dynamodbEndpoint } },
  });
  familyStack = path.join(dir, 'stack.json');
  oldStack = path.join(dir, 'old-stack.json');
  await writeStackFile(familyStack, outputs({ hydrate: aws.hydrate, deliver: aws.deliver, ...family }));
  await writeStackFile(oldStack, outputs({ hydrate: aws.hydrate, deliver: aws.deliver }));
  await deadLetter(family['deliver-consent']?.dlqUrl ?? '', consent);
  await deadLetter(aws.deliver.dlqUrl, event);
});
afterAll(async () => {
  await aws.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the relay CLI's command tree with `args` against `stack`; returns what it printed. */
async function relay(stack: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.join(' '));
  });
  try {
    await relayProgram().parseAsync([...args, '--stack', stack], { from: 'user' });
  } finally {
    log.mockRestore();
  }
  return `${lines.join('\n')}\n`;
}
const consentQueue = () => family['deliver-consent'] ?? { url: '', dlqUrl: '' };

interface Listed {
  total: number;
  queues: { queue: string; stage: string; total: number; reasons: { reason: string; count: number }[] }[];
}

describe('relay dlq with a deliver queue per family', { timeout: 60_000 }, () => {
  it('lists every deliver queue’s DLQ for the stage, grouped by queue, and one queue by its key', async () => {
    const listed = JSON.parse(await relay(familyStack, 'dlq', 'list', 'deliver', '--json')) as Listed;
    expect(listed.total).toBe(2);
    expect(listed.queues.map((q) => [q.queue, q.total])).toEqual([
      ['deliver', 1],
      ['deliver-consent', 1],
      ['deliver-profiles', 0],
    ]);
    expect(listed.queues[1]?.reasons).toMatchObject([{ reason: 'klaviyo_400', count: 1 }]);
    const text = await relay(familyStack, 'dlq', 'list', 'deliver');
    expect(text).toMatch(/^deliver DLQs \(3 queues\): 2 dead letters$/m);
    expect(text).toMatch(/^ {2}deliver-consent DLQ: 1 dead letter\n +1 {2}klaviyo_400 {2}sources: demo/m);

    const one = JSON.parse(await relay(familyStack, 'dlq', 'list', 'deliver-consent', '--json')) as Listed;
    expect(one.queues.map((q) => q.queue)).toEqual(['deliver-consent']);
    expect(one.total).toBe(1);
    const shown = JSON.parse(
      await relay(familyStack, 'dlq', 'show', 'deliver', consent.correlation_id, '--json'),
    ) as Record<string, unknown>;
    expect(shown).toMatchObject({ queue: 'deliver-consent', stage: 'deliver', reason: 'klaviyo_400' });
    expect(await relay(familyStack, 'dlq', 'show', 'deliver', 'demo:e-1')).toMatch(/^queue: +deliver$/m);
    // Reading took nothing out.
    expect(await depth(consentQueue().dlqUrl)).toBe(1);
  });

  it('finds a letter in a family DLQ with trace, and names the queue', async () => {
    const traced = JSON.parse(await relay(familyStack, 'trace', 'demo', 'c-1', '--json', '--no-logs')) as {
      verdict: string;
      queues: { queue: string; kind: string }[];
    };
    expect(traced.verdict).toBe('dead-lettered in deliver (deliver-consent): klaviyo_400');
    expect(traced.queues.map((q) => q.queue)).toEqual([
      'hydrate',
      'deliver',
      'deliver-consent',
      'deliver-profiles',
    ]);
  });

  it('redrives a consent letter to the consent queue, never the events queue; a stage each to its own', async () => {
    const result = JSON.parse(
      await relay(familyStack, 'dlq', 'redrive', 'deliver-consent', '--wait', '0', '--json'),
    ) as Record<string, unknown>;
    expect(result).toMatchObject({ redriven: 1, queues: [{ queue: 'deliver-consent', redriven: 1 }] });
    expect(await depth(consentQueue().url)).toBe(1);
    expect(await depth(aws.deliver.url)).toBe(0);
    expect(await depth(consentQueue().dlqUrl)).toBe(0);
    expect(await depth(aws.deliver.dlqUrl)).toBe(1);

    const text = await relay(familyStack, 'dlq', 'redrive', 'deliver', '--wait', '0');
    expect(text).toMatch(/^deliver: sent back 1 of 1 matching dead letters to the deliver queue/m);
    expect(text).toMatch(/^deliver-consent: sent back 0 of 0 matching/m);
    expect(await depth(aws.deliver.url)).toBe(1);
    expect(await depth(consentQueue().url)).toBe(1);

    // Status lists every queue, with the messages the redrives put back.
    const status = JSON.parse(await relay(familyStack, 'status', '--json')) as {
      queues: { queue: string; waiting: number; dead_letters: number }[];
    };
    expect(status.queues.map((q) => [q.queue, q.waiting, q.dead_letters])).toEqual([
      ['hydrate', 0, 0],
      ['deliver', 1, 0],
      ['deliver-consent', 1, 0],
      ['deliver-profiles', 0, 0],
    ]);
    expect(await relay(familyStack, 'status')).toMatch(/^deliver-consent +deliver +1 +0 +0 +0$/m);
  });

  it('says per queue what a dry run of a stage would redrive', async () => {
    await deadLetter(consentQueue().dlqUrl, consentFixture('c-2'));
    const text = await relay(familyStack, 'dlq', 'redrive', 'deliver', '--dry-run');
    expect(text.trim().split('\n')).toEqual([
      'deliver: would redrive 0 dead letters (0 left as they are)',
      'deliver-consent: would redrive 1 dead letters (0 left as they are)',
      'deliver-profiles: would redrive 0 dead letters (0 left as they are)',
    ]);
    expect(await depth(consentQueue().dlqUrl)).toBe(1);
  });

  it('reads an older stack file with hydrate and deliver only', async () => {
    await deadLetter(aws.deliver.dlqUrl, { ...event, correlation_id: 'demo:e-2' });
    const listed = JSON.parse(await relay(oldStack, 'dlq', 'list', 'deliver', '--json')) as Listed;
    expect(listed.queues.map((q) => [q.queue, q.total])).toEqual([['deliver', 1]]);
    await expect(relay(oldStack, 'dlq', 'list', 'deliver-consent')).rejects.toThrow(
      /"deliver-consent" is not a stage: use hydrate or deliver$/,
    );
  });
});

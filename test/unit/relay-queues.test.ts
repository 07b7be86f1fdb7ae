// A relay's queues by queue key (operations/relay-queues.ts): a stack file with a deliver queue per Klaviyo write
// family, an older one with hydrate and deliver only, and flags; a stage names all its queues, a key one of them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dlqUrlOf,
  queuesNamed,
  queuesOfStage,
  queueUrlOf,
  relayQueues,
  stageOfQueueKey,
} from '../../operations/relay-queues.ts';
import { loadStack } from '../../operations/relay-stack.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relay-queues-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A stack file as `terraform output -json` writes it, with these queue keys (keys sorted, as Terraform's maps). */
async function stackWith(keys: string[]) {
  const urls = (kind: string) =>
    Object.fromEntries([...keys].sort().map((key) => [key, `https://sqs/${kind}/${key}`]));
  const file = path.join(dir, `${keys.join('_')}.json`);
  await writeFile(
    file,
    JSON.stringify({
      queue_urls: { value: { ...urls('queue'), ingest: 'not-a-queue' } },
      dlq_urls: { value: urls('dlq') },
    }),
  );
  return loadStack({ stack: file });
}

const FAMILY_KEYS = [
  'hydrate',
  'deliver',
  'deliver-profiles',
  'deliver-consent',
  'deliver-catalog',
  'deliver-records',
  'deliver-back-in-stock',
];

describe('a relay’s queues', () => {
  it('reads every queue key of a stack file, each with its stage and URLs, the stage’s own queue first', async () => {
    const stack = await stackWith(FAMILY_KEYS);
    expect(relayQueues(stack).map((q) => [q.key, q.stage])).toEqual([
      ['hydrate', 'hydrate'],
      ['deliver', 'deliver'],
      ['deliver-back-in-stock', 'deliver'],
      ['deliver-catalog', 'deliver'],
      ['deliver-consent', 'deliver'],
      ['deliver-profiles', 'deliver'],
      ['deliver-records', 'deliver'],
    ]);
    const consent = relayQueues(stack).find((q) => q.key === 'deliver-consent');
    expect(consent).toEqual({
      key: 'deliver-consent',
      stage: 'deliver',
      url: 'https://sqs/queue/deliver-consent',
      dlqUrl: 'https://sqs/dlq/deliver-consent',
    });
    expect(queuesOfStage(stack, 'deliver')).toHaveLength(6);
    expect(queuesOfStage(stack, 'hydrate').map((q) => q.key)).toEqual(['hydrate']);
  });

  it('reads an older stack file with hydrate and deliver only', async () => {
    const stack = await stackWith(['hydrate', 'deliver']);
    expect(relayQueues(stack).map((q) => q.key)).toEqual(['hydrate', 'deliver']);
    expect(queuesNamed(stack, 'deliver').map((q) => dlqUrlOf(stack, q))).toEqual(['https://sqs/dlq/deliver']);
    expect(stack.queueUrls).toMatchObject({ hydrate: 'https://sqs/queue/hydrate' });
  });

  it('names queues by stage (all of them) or by key; deliver-events is the events queue alone', async () => {
    const stack = await stackWith(FAMILY_KEYS);
    expect(queuesNamed(stack, 'deliver').map((q) => q.key)).toContain('deliver-consent');
    expect(queuesNamed(stack, 'deliver-consent').map((q) => queueUrlOf(stack, q))).toEqual([
      'https://sqs/queue/deliver-consent',
    ]);
    expect(queuesNamed(stack, 'deliver-events').map((q) => q.key)).toEqual(['deliver']);
    expect(() => queuesNamed(stack, 'ingest')).toThrow(
      '"ingest" is not a stage: use hydrate or deliver, or a queue of the stack (deliver-back-in-stock, deliver-catalog, deliver-consent, deliver-profiles, deliver-records)',
    );
    // A family queue the stack leaves out is not there to name.
    const old = await stackWith(['hydrate', 'deliver']);
    expect(() => queuesNamed(old, 'deliver-consent')).toThrow(/"deliver-consent" is not a stage/);
  });

  it('takes any queue by key from flags, hydrate’s and deliver’s by their own flags as before', async () => {
    // A stack file with no outputs: the default one (.local/stack.json) may be written meanwhile by a test of npm start.
    const noOutputs = path.join(dir, 'no-outputs.json');
    await writeFile(noOutputs, '{}');
    const stack = await loadStack({
      stack: noOutputs,
      deliverQueueUrl: 'https://sqs/q/deliver',
      deliverDlqUrl: 'https://sqs/d/deliver',
      queueUrl: ['deliver-consent=https://sqs/q/consent'],
      dlqUrl: ['deliver-consent=https://sqs/d/consent'],
    });
    expect(relayQueues(stack).map((q) => [q.key, q.url, q.dlqUrl])).toEqual([
      ['deliver', 'https://sqs/q/deliver', 'https://sqs/d/deliver'],
      ['deliver-consent', 'https://sqs/q/consent', 'https://sqs/d/consent'],
    ]);
    await expect(loadStack({ stack: noOutputs, queueUrl: ['https://sqs/q/consent'] })).rejects.toThrow(
      '--queue-url takes <queue key>=<url>',
    );
  });

  it('says how to give a family queue’s URL the stack does not name', async () => {
    const stack = await stackWith(['hydrate', 'deliver']);
    const consent = { key: 'deliver-consent', stage: 'deliver' as const, url: undefined, dlqUrl: undefined };
    expect(() => dlqUrlOf(stack, consent)).toThrow(
      /the deliver-consent DLQ is not known: .* has no output dlq_urls.*; pass --dlq-url deliver-consent=<url>$/,
    );
    expect(stageOfQueueKey('deliver-consent')).toBe('deliver');
    expect(stageOfQueueKey('deliverx')).toBeUndefined();
    expect(stageOfQueueKey('ingest')).toBeUndefined();
  });
});

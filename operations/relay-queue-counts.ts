// What every queue of a relay holds: each queue's counts and its DLQ's (SQS's approximate counts), for
// `relay status` and the console's overview — whatever queues the stack names (operations/relay-queues.ts).
import type { RelayStack } from './relay-stack.ts';
import { relayQueues, type RelayQueue } from './relay-queues.ts';
import { queueCounts, type QueueCounts } from './queue-counts.ts';

export interface RelayQueueCounts {
  queue: RelayQueue;
  /** null when the stack names no URL for it. */
  counts: QueueCounts | null;
  dlq: QueueCounts | null;
}

export async function relayQueueCounts(
  stack: Pick<RelayStack, 'sqs' | 'queueUrls' | 'dlqUrls'>,
): Promise<RelayQueueCounts[]> {
  const countsOf = (url: string | undefined) =>
    url === undefined ? Promise.resolve(null) : queueCounts(stack.sqs, url);
  return Promise.all(
    relayQueues(stack).map(async (queue) => {
      const [counts, dlq] = await Promise.all([countsOf(queue.url), countsOf(queue.dlqUrl)]);
      return { queue, counts, dlq };
    }),
  );
}

// `GET /_relay/status` in local mode: what waits in each queue (hydrate's, and each family's deliver queue, by
// queue key), what its DLQ holds and why, and counters of what ingest answered and what the Klaviyo mock
// recorded — the local stand-in for the module's dashboard.
import { openDlq } from '../operations/dead-letters.ts';
import type { RelayStack, Stage } from '../operations/relay-stack.ts';
import type { LocalAws, QueuePair } from './emulators.ts';
import { queueCounts } from '../operations/queue-counts.ts';
import type { DeliverQueueKey } from '../functions/shared/stage/deliver-families.ts';

/** A queue's key: `hydrate`, or a deliver queue's (`deliver` for events, `deliver-consent`, …). */
export type QueueKey = 'hydrate' | DeliverQueueKey;

export interface RelayStatus {
  queues: Record<QueueKey, { waiting: number; in_flight: number; delayed: number }>;
  dlqs: Record<QueueKey, { count: number; reasons: Record<string, number> }>;
  /** Webhooks ingest answered since start, by answer code (accepted, duplicate, invalid_signature, …). */
  webhooks: Record<string, number>;
  /** Events the Klaviyo mock recorded (absent when a real Klaviyo is used). */
  klaviyo_events?: number;
}

async function stageQueueCounts(aws: LocalAws, queue: QueuePair) {
  const { waiting, inFlight, delayed } = await queueCounts(aws.sqs, queue.url);
  return { waiting, in_flight: inFlight, delayed };
}

/** The DLQ's letters counted by reason: read (hidden for the read) and made visible again, as `relay dlq list`. */
async function dlqReasons(aws: LocalAws, stage: Stage, queue: QueuePair) {
  const stack = { sqs: aws.sqs, s3: aws.s3 } as RelayStack;
  // One server answers for the whole emulator: an empty short poll means empty.
  const reader = openDlq(stack, stage, queue.dlqUrl, { waitSeconds: 0, emptyAnswers: 1 });
  const reasons: Record<string, number> = {};
  let count = 0;
  try {
    for (let batch = await reader.next(); batch.length > 0; batch = await reader.next())
      for (const entry of batch) {
        count += 1;
        reasons[entry.reason] = (reasons[entry.reason] ?? 0) + 1;
      }
  } finally {
    await reader.release();
  }
  return { count, reasons };
}

export async function relayStatus(
  aws: LocalAws,
  webhooks: Record<string, number>,
  klaviyoEvents: (() => number) | undefined,
): Promise<RelayStatus> {
  const queues: [QueueKey, Stage, QueuePair][] = [
    ['hydrate', 'hydrate', aws.hydrate],
    ...Object.entries(aws.deliverQueues).map(
      ([key, pair]) => [key as DeliverQueueKey, 'deliver', pair] as [QueueKey, Stage, QueuePair],
    ),
  ];
  const counted = await Promise.all(
    queues.map(async ([key, stage, pair]) => {
      const [queue, dlq] = await Promise.all([stageQueueCounts(aws, pair), dlqReasons(aws, stage, pair)]);
      return { key, queue, dlq };
    }),
  );
  return {
    queues: Object.fromEntries(counted.map(({ key, queue }) => [key, queue])) as RelayStatus['queues'],
    dlqs: Object.fromEntries(counted.map(({ key, dlq }) => [key, dlq])) as RelayStatus['dlqs'],
    webhooks: { ...webhooks },
    ...(klaviyoEvents && { klaviyo_events: klaviyoEvents() }),
  };
}

// What the Overview shows at one moment: each queue's and DLQ's depth for every queue key the stack names (so a
// stack with more deliver queues shows them all), and, in local mode, the counters of its status route (what
// ingest answered, by code; events the Klaviyo mock recorded).
import type { RelayStack } from '../../../operations/relay-stack.ts';
import { queueCounts } from '../../../operations/queue-counts.ts';

export interface QueueDepth {
  /** The stack's key (hydrate, deliver, deliver-profiles, …). */
  key: string;
  kind: 'queue' | 'dlq';
  waiting: number;
  inFlight: number;
  delayed: number;
}

export interface Snapshot {
  at: number;
  queues: QueueDepth[];
  /** Why the queues could not be read, when they could not. */
  queuesError?: string;
  /** Local mode's counters; absent for a deployment. */
  counters?: { webhooks: Record<string, number>; klaviyoEvents?: number };
  countersError?: string;
}

/** Local mode's status route (local/stack.ts STATUS_PATH) beside its API. */
export const LOCAL_STATUS_PATH = '/_relay/status';

async function localCounters(apiEndpoint: string): Promise<Snapshot['counters']> {
  const response = await fetch(`${apiEndpoint}${LOCAL_STATUS_PATH}`);
  if (!response.ok) throw new Error(`${LOCAL_STATUS_PATH} answered ${response.status}`);
  const status = (await response.json()) as { webhooks?: Record<string, number>; klaviyo_events?: number };
  return {
    webhooks: status.webhooks ?? {},
    ...(status.klaviyo_events !== undefined && { klaviyoEvents: status.klaviyo_events }),
  };
}

export async function takeSnapshot(stack: RelayStack, now: number): Promise<Snapshot> {
  const wanted: [string, 'queue' | 'dlq', string][] = [
    ...Object.entries(stack.queueUrls).map(([key, url]) => [key, 'queue', url] as [string, 'queue', string]),
    ...Object.entries(stack.dlqUrls).map(([key, url]) => [key, 'dlq', url] as [string, 'dlq', string]),
  ].filter(([, , url]) => typeof url === 'string' && url !== '');
  const snapshot: Snapshot = { at: now, queues: [] };
  try {
    snapshot.queues = await Promise.all(
      wanted.map(async ([key, kind, url]) => ({ key, kind, ...(await queueCounts(stack.sqs, url)) })),
    );
  } catch (error) {
    snapshot.queuesError = (error as Error).message;
  }
  if (stack.local && stack.apiEndpoint) {
    try {
      const counters = await localCounters(stack.apiEndpoint);
      if (counters) snapshot.counters = counters;
    } catch (error) {
      snapshot.countersError = (error as Error).message;
    }
  }
  return snapshot;
}

/** The snapshot as named series, for the samples the charts draw. */
export function seriesOf(snapshot: Snapshot): Record<string, number> {
  const values: Record<string, number> = {};
  for (const queue of snapshot.queues)
    values[`${queue.kind}:${queue.key}`] = queue.waiting + queue.inFlight + queue.delayed;
  for (const [code, count] of Object.entries(snapshot.counters?.webhooks ?? {}))
    values[`webhooks:${code}`] = count;
  if (snapshot.counters?.klaviyoEvents !== undefined)
    values['klaviyo:events'] = snapshot.counters.klaviyoEvents;
  return values;
}

// Finds one webhook's messages in the relay's queues and DLQs (every queue of every stage) without taking them out: each queue is read
// with openDlq (received with a visibility timeout, released afterwards), up to a bound per queue, so a trace
// of a deep queue ends and says that it stopped early. Messages in flight (a stage holds them) cannot be seen
// by a peek: their count is reported instead.
import { openDlq, type DeadLetterEntry } from '../../operations/dead-letters.ts';
import { deadLetterSubject } from '../dead-letter-subject.ts';
import type { Progress } from '../progress.ts';
import { dlqUrlOf, queuesOfStage, queueUrlOf } from '../../operations/relay-queues.ts';
import { STAGES, type RelayStack, type Stage } from '../../operations/relay-stack.ts';
import { queueCounts } from '../../operations/queue-counts.ts';

export type QueueKind = 'queue' | 'dlq';

export interface QueueToScan {
  /** The queue key (`deliver-consent`); the stage's own queue has the stage's name. */
  queue: string;
  stage: Stage;
  kind: QueueKind;
  url: string;
}

/** Every queue of every stage the stack names: their DLQs, and with `liveQueues` the queues themselves. */
export function queuesToScan(stack: RelayStack, liveQueues: boolean): QueueToScan[] {
  return STAGES.flatMap((stage) =>
    queuesOfStage(stack, stage).flatMap((queue) => [
      ...(liveQueues
        ? [{ queue: queue.key, stage, kind: 'queue' as const, url: queueUrlOf(stack, queue) }]
        : []),
      { queue: queue.key, stage, kind: 'dlq' as const, url: dlqUrlOf(stack, queue) },
    ]),
  );
}

export interface QueueHit {
  message_id: string;
  /** For a DLQ: the stage's reason (or moved_by_sqs); null in a stage's queue. */
  reason: string | null;
  failed_at: string | null;
  detail: unknown;
  /** What the message writes when it names one thing of its webhook (a catalog row, a record). */
  subject?: string;
}

export interface QueueScan {
  queue: string;
  stage: Stage;
  kind: QueueKind;
  scanned: number;
  /** True when the scan stopped at --max-messages: a hit may lie beyond. */
  bound_hit: boolean;
  /** Messages a consumer held while scanning (invisible to a peek). */
  in_flight: number;
  hits: QueueHit[];
}

/** The correlation id of a message: its attribute, or else the one in its body (a letter's original, a claim check). */
export function correlationIdOf(entry: DeadLetterEntry): string | undefined {
  if (entry.correlationId) return entry.correlationId;
  for (const text of [entry.letter?.original, entry.body]) {
    if (text === undefined) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && 'correlation_id' in value) {
        if (typeof value.correlation_id === 'string') return value.correlation_id;
      }
    } catch {
      // not JSON: no correlation id in it
    }
  }
  return undefined;
}

/** The hit's `subject`, read from the letter's original message (or the message itself in a stage's queue). */
function subjectOf(entry: DeadLetterEntry): { subject?: string } {
  const subject = deadLetterSubject(entry.letter?.original ?? entry.body);
  return subject === undefined ? {} : { subject };
}

async function queueDepth(stack: RelayStack, url: string): Promise<{ visible: number; inFlight: number }> {
  const { waiting, inFlight } = await queueCounts(stack.sqs, url);
  return { visible: waiting, inFlight };
}

async function scanOne(
  stack: RelayStack,
  queue: QueueToScan,
  correlationId: string,
  maxMessages: number,
  inFlight: number,
  progress: Progress,
): Promise<QueueScan> {
  const reader = openDlq(stack, queue.queue, queue.url);
  const scan: QueueScan = {
    queue: queue.queue,
    stage: queue.stage,
    kind: queue.kind,
    scanned: 0,
    bound_hit: false,
    in_flight: inFlight,
    hits: [],
  };
  try {
    while (scan.scanned < maxMessages) {
      const batch = await reader.next();
      if (batch.length === 0) break;
      scan.scanned += batch.length;
      progress.increment(batch.length);
      for (const entry of batch) {
        if (correlationIdOf(entry) !== correlationId) continue;
        const isLetter = queue.kind === 'dlq';
        scan.hits.push({
          message_id: entry.messageId,
          reason: isLetter ? entry.reason : null,
          failed_at: isLetter ? entry.failedAt.toISOString() : null,
          detail: isLetter ? (entry.letter?.detail ?? entry.letter?.last_error ?? null) : null,
          ...subjectOf(entry),
        });
      }
    }
    // Stopped by the bound while the queue may hold more.
    scan.bound_hit = scan.scanned >= maxMessages;
  } finally {
    await reader.release();
  }
  return scan;
}

/** Scans every queue in parallel; the progress total is the queues' approximate depth, corrected as it goes. */
export async function scanQueues(
  stack: RelayStack,
  queues: readonly QueueToScan[],
  correlationId: string,
  maxMessages: number,
  progress: Progress,
): Promise<QueueScan[]> {
  const depths = await Promise.all(queues.map((q) => queueDepth(stack, q.url)));
  progress.setTotal(depths.reduce((sum, d) => sum + Math.min(d.visible, maxMessages), 0));
  return Promise.all(
    queues.map((queue, i) =>
      scanOne(stack, queue, correlationId, maxMessages, depths[i]?.inFlight ?? 0, progress),
    ),
  );
}

// Dead letters as `relay dlq list` (and the console) shows them: the letters of one or more queues' DLQs, filtered,
// grouped by reason — for all the queues named together and for each queue, so a stage with a queue per Klaviyo
// write family says which queue holds what. Reading takes nothing out (operations/dead-letters.ts).
import { openDlq, type DeadLetterEntry } from '../operations/dead-letters.ts';
import { dlqUrlOf, type RelayQueue } from '../operations/relay-queues.ts';
import type { RelayStack, Stage } from '../operations/relay-stack.ts';
import { parseDuration } from './duration.ts';
import { startProgress, type Progress } from './progress.ts';

export interface FilterOptions {
  reason?: string[];
  source?: string[];
  olderThan?: string;
  newerThan?: string;
}

export interface DeadLetterFilter {
  reasons?: ReadonlySet<string>;
  sources?: ReadonlySet<string>;
  /** Only letters that failed before this time. */
  failedBefore?: Date;
  /** Only letters that failed after this time. */
  failedAfter?: Date;
}

export function filterOf(options: FilterOptions, now: number): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (options.reason?.length) filter.reasons = new Set(options.reason);
  if (options.source?.length) filter.sources = new Set(options.source);
  if (options.olderThan) filter.failedBefore = new Date(now - parseDuration(options.olderThan));
  if (options.newerThan) filter.failedAfter = new Date(now - parseDuration(options.newerThan));
  return filter;
}

export function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  if (filter.reasons && !filter.reasons.has(entry.reason)) return false;
  if (filter.sources && !(entry.source && filter.sources.has(entry.source))) return false;
  if (filter.failedBefore && entry.failedAt >= filter.failedBefore) return false;
  if (filter.failedAfter && entry.failedAt <= filter.failedAfter) return false;
  return true;
}

/** Summary of one letter, for lists and JSON output. */
export function summaryOf(entry: DeadLetterEntry) {
  return {
    message_id: entry.messageId,
    correlation_id: entry.correlationId ?? null,
    source: entry.source ?? null,
    reason: entry.reason,
    failed_at: entry.failedAt.toISOString(),
    attempts: entry.letter?.attempts ?? null,
    last_error: entry.letter?.last_error ?? null,
  };
}

/**
 * Reads every letter of the DLQ at `dlqUrl` (queue `queueKey`'s) once — each hidden while read, then released —
 * passing each batch to `visit`; `relay dlq` and the console's Dead letters page both read through this.
 */
export async function readDlqLetters(
  stack: RelayStack,
  queueKey: string,
  dlqUrl: string,
  progress: Progress,
  visit: (entries: DeadLetterEntry[]) => Promise<void> | void,
): Promise<void> {
  const reader = openDlq(stack, queueKey, dlqUrl);
  let seen = 0;
  try {
    for (let batch = await reader.next(); batch.length > 0; batch = await reader.next()) {
      seen += batch.length;
      progress.setTotal(seen);
      await visit(batch);
      progress.increment(batch.length);
    }
  } finally {
    progress.stop();
    await reader.release();
  }
}

/** `relay dlq`'s reading of one queue's DLQ, with the terminal's progress line. */
export function readQueueLetters(
  stack: RelayStack,
  queue: RelayQueue,
  json: boolean | undefined,
  visit: (entries: DeadLetterEntry[]) => Promise<void> | void,
): Promise<void> {
  const progress = startProgress(`reading the ${queue.key} DLQ`, 0, { json });
  return readDlqLetters(stack, queue.key, dlqUrlOf(stack, queue), progress, visit);
}

export interface ReasonGroup {
  reason: string;
  count: number;
  sources: string[];
  oldest: string;
  newest: string;
  letters?: ReturnType<typeof summaryOf>[];
}

/** Letters grouped by reason, the largest group first. */
export function reasonGroups(letters: readonly DeadLetterEntry[], all: boolean): ReasonGroup[] {
  const byReason = new Map<string, DeadLetterEntry[]>();
  for (const letter of letters) byReason.set(letter.reason, [...(byReason.get(letter.reason) ?? []), letter]);
  return [...byReason.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([reason, entries]) => ({
      reason,
      count: entries.length,
      sources: [...new Set(entries.map((e) => e.source ?? '?'))].sort(),
      oldest: new Date(Math.min(...entries.map((e) => e.failedAt.getTime()))).toISOString(),
      newest: new Date(Math.max(...entries.map((e) => e.failedAt.getTime()))).toISOString(),
      ...(all && { letters: entries.map(summaryOf) }),
    }));
}

export interface QueueLetters {
  queue: string;
  stage: Stage;
  total: number;
  reasons: ReasonGroup[];
}

export interface DeadLetterList {
  /** Every named queue's letters together. */
  total: number;
  reasons: ReasonGroup[];
  /** Each queue's, in the stack's order. */
  queues: QueueLetters[];
}

/** The letters of each queue's DLQ that match the filter, grouped by reason per queue and over all of them. */
export async function listDeadLetters(
  stack: RelayStack,
  queues: readonly RelayQueue[],
  filter: DeadLetterFilter,
  options: { json?: boolean; all?: boolean } = {},
): Promise<DeadLetterList> {
  const everyLetter: DeadLetterEntry[] = [];
  const perQueue: QueueLetters[] = [];
  for (const queue of queues) {
    const letters: DeadLetterEntry[] = [];
    await readQueueLetters(stack, queue, options.json, (batch) => {
      letters.push(...batch.filter((e) => matches(e, filter)));
      return Promise.resolve();
    });
    everyLetter.push(...letters);
    perQueue.push({
      queue: queue.key,
      stage: queue.stage,
      total: letters.length,
      reasons: reasonGroups(letters, Boolean(options.all)),
    });
  }
  return {
    total: everyLetter.length,
    reasons: reasonGroups(everyLetter, Boolean(options.all)),
    queues: perQueue,
  };
}

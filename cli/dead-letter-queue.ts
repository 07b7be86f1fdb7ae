// What `relay dlq` and the console's Dead letters page both do with a queue's dead letters: read them all once
// (each hidden while read, then released), group them by reason, describe one in full, and redrive those a
// filter chooses (cli/redrive.ts: each letter present at the start sent back at most once). A queue is named by
// its key in the stack's `dlq_urls` (`hydrate`, `deliver`, or a family's deliver queue), never from a fixed list.
import { openDlq, sendBack, type DeadLetterEntry } from '../operations/dead-letters.ts';
import { queueCounts } from '../operations/queue-counts.ts';
import {
  dlqUrlOf as relayDlqUrlOf,
  queueUrlOf as relayQueueUrlOf,
  relayQueues,
  stageOfQueueKey,
  type RelayQueue,
} from '../operations/relay-queues.ts';
import type { RelayStack, Stage } from '../operations/relay-stack.ts';
import { detailLines } from './dead-letter-detail.ts';
import { readDlqLetters, summaryOf } from './dead-letter-list.ts';
import { deadLetterSubject } from './dead-letter-subject.ts';
import type { Progress } from './progress.ts';
import { redrive, type RedriveResult } from './redrive.ts';

export { summaryOf };

/** The queues with a DLQ in the stack, as its `dlq_urls` names them. */
export function deadLetterQueues(stack: RelayStack): string[] {
  return Object.keys(stack.dlqUrls).filter((key) => stack.dlqUrls[key] !== undefined);
}

/** The stage a queue feeds: `deliver-profiles` is a deliver queue. */
export const stageOfQueue = (queue: string): Stage => stageOfQueueKey(queue) ?? 'deliver';

/** The queue named by its key, as operations/relay-queues.ts describes it (its stage, its URLs and their flags). */
function relayQueueOf(stack: RelayStack, queue: string): RelayQueue {
  const found = relayQueues(stack).find((q) => q.key === queue);
  if (!found) throw new Error(`the stack has no ${queue} queue`);
  return found;
}

export const dlqUrlOf = (stack: RelayStack, queue: string): string =>
  relayDlqUrlOf(stack, relayQueueOf(stack, queue));

const queueUrlOf = (stack: RelayStack, queue: string): string =>
  relayQueueUrlOf(stack, relayQueueOf(stack, queue));

/** Reads every letter once (they are hidden while read, then released), passing each batch to `visit`. */
export const readEveryLetter = (
  stack: RelayStack,
  queue: string,
  progress: Progress,
  visit: (entries: DeadLetterEntry[]) => Promise<void> | void,
): Promise<void> => readDlqLetters(stack, queue, dlqUrlOf(stack, queue), progress, visit);

export interface ReasonGroup {
  reason: string;
  count: number;
  sources: string[];
  oldest: string;
  newest: string;
  entries: DeadLetterEntry[];
}

/** Letters by reason, the largest group first. */
export function groupByReason(letters: readonly DeadLetterEntry[]): ReasonGroup[] {
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
      entries,
    }));
}

export interface LetterInFull {
  /** Labelled facts, those with a value only: ids, source, which write, reason, time, attempts, last error. */
  rows: [string, string | number][];
  /** Why it failed, as the stage kept it (Klaviyo's detail and pointer, a source API's message). */
  detail: string[];
  /** The original message: parsed JSON, or the text when it is not JSON. */
  original: unknown;
}

/** One letter as `relay dlq show` prints it. */
export function letterInFull(entry: DeadLetterEntry): LetterInFull {
  const originalText = entry.letter?.original ?? entry.body;
  let original: unknown = originalText;
  try {
    original = JSON.parse(originalText);
  } catch {
    // shown as text
  }
  const summary = summaryOf(entry);
  const rows: [string, string | number | null][] = [
    ['message id', summary.message_id],
    ['correlation id', summary.correlation_id],
    ['source', summary.source],
    // Which of the webhook's writes this is (a catalog row, a record): one webhook can make many.
    ['writes', deadLetterSubject(originalText) ?? null],
    ['reason', summary.reason],
    ['failed at', summary.failed_at],
    ['attempts', summary.attempts],
    ['last error', summary.last_error && `${summary.last_error.reason}: ${summary.last_error.message}`],
  ];
  return {
    rows: rows.filter((row): row is [string, string | number] => row[1] !== null),
    detail: detailLines(entry.letter?.detail),
    original,
  };
}

export interface RedriveQueueOptions {
  matches: (entry: DeadLetterEntry) => boolean;
  rate: number;
  dryRun: boolean;
  waitMs: number;
  /** Given the DLQ's count at the start. */
  progress: (atStart: number) => Progress;
}

/** Sends the letters `matches` chooses back to the queue they came from; see cli/redrive.ts. */
export async function redriveQueue(
  stack: RelayStack,
  queue: string,
  options: RedriveQueueOptions,
): Promise<RedriveResult> {
  if (!Number.isFinite(options.rate) || options.rate <= 0)
    throw new Error(`--rate must be a positive number, not ${options.rate}`);
  const queueUrl = queueUrlOf(stack, queue);
  const dlqUrl = dlqUrlOf(stack, queue);
  const startedAt = Date.now();
  const atStart = (await queueCounts(stack.sqs, dlqUrl)).waiting;
  const reader = openDlq(stack, queue, dlqUrl);
  const progress = options.progress(atStart);
  try {
    return await redrive(
      {
        reader,
        sendBack: (entries) => sendBack(stack, queueUrl, entries),
        stageQueueEmpty: async () => {
          const counts = await queueCounts(stack.sqs, queueUrl);
          return counts.waiting + counts.inFlight + counts.delayed === 0;
        },
        progress,
      },
      {
        matches: options.matches,
        rate: options.rate,
        dryRun: options.dryRun,
        waitMs: options.waitMs,
        atStart,
        startedAt,
      },
    );
  } finally {
    progress.stop();
    await reader.release();
  }
}

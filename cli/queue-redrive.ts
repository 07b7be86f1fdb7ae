// A redrive of one queue's DLQ back to that queue (cli/redrive.ts runs it): a letter goes back to the queue its
// DLQ belongs to — a consent letter to the consent queue, never the events queue — and several queues (a stage's)
// are redriven one after another, their results summed for the summary line.
import type { RelayQueue } from '../operations/relay-queues.ts';
import type { RelayStack, Stage } from '../operations/relay-stack.ts';
import { matches, type DeadLetterFilter } from './dead-letter-list.ts';
import { redriveQueue as redriveDlq } from './dead-letter-queue.ts';
import { startProgress } from './progress.ts';
import type { RedriveResult } from './redrive.ts';

export interface QueueRedriveOptions {
  filter: DeadLetterFilter;
  rate: number;
  dryRun: boolean;
  waitMs: number;
  json?: boolean | undefined;
}

export type QueueRedriveResult = { queue: string; stage: Stage } & RedriveResult;

export async function redriveQueue(
  stack: RelayStack,
  queue: RelayQueue,
  options: QueueRedriveOptions,
): Promise<QueueRedriveResult> {
  const outcome = await redriveDlq(stack, queue.key, {
    matches: (e) => matches(e, options.filter),
    rate: options.rate,
    dryRun: options.dryRun,
    waitMs: options.waitMs,
    progress: (atStart) => startProgress(`redriving the ${queue.key} DLQ`, atStart, { json: options.json }),
  });
  return { queue: queue.key, stage: queue.stage, ...outcome };
}

/** Several queues' results as one: counts added, reasons of letters that failed again merged. */
export function sumRedriveResults(results: readonly RedriveResult[]): RedriveResult {
  const sum: RedriveResult = {
    at_start: 0,
    matched: 0,
    redriven: 0,
    failed: 0,
    skipped: 0,
    failed_again: 0,
    failed_again_by_reason: {},
    arrived_during_run: 0,
  };
  for (const result of results) {
    for (const key of [
      'at_start',
      'matched',
      'redriven',
      'failed',
      'skipped',
      'failed_again',
      'arrived_during_run',
    ] as const)
      sum[key] += result[key];
    for (const [reason, count] of Object.entries(result.failed_again_by_reason))
      sum.failed_again_by_reason[reason] = (sum.failed_again_by_reason[reason] ?? 0) + count;
  }
  return sum;
}

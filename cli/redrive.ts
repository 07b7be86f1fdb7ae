// A redrive of a stage's dead letters that ends: each letter present when it started is sent back at most once.
// The stage may dead-letter a redriven letter again at once (the cause is not fixed); that new letter is a new DLQ
// message, so "read until the DLQ is empty" would send it back again, for ever (issue 18, item 12: one letter
// 30,254 times in 10 minutes). A letter is recognised by its original message: one whose original this run has
// sent back has failed again and stays; one written after the run started is not the run's either and stays.
// After the last send the run watches the DLQ until the stage's queue is empty (or `waitMs` passed), so the
// summary says what went back and what failed again.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadLetterEntry, DlqReader } from '../operations/dead-letters.ts';
import type { Progress } from './progress.ts';

export interface RedrivePorts {
  reader: DlqReader;
  /** Sends entries to the stage's queue; returns those sent (only they are deleted from the DLQ). */
  sendBack(entries: DeadLetterEntry[]): Promise<DeadLetterEntry[]>;
  /** Whether the stage's queue holds nothing (waiting, in flight or delayed): the stage is done with them. */
  stageQueueEmpty(): Promise<boolean>;
  progress: Progress;
  now?: () => number;
}

export interface RedriveOptions {
  /** Which letters present at the start to send back. */
  matches(entry: DeadLetterEntry): boolean;
  /** Letters sent a second at most. */
  rate: number;
  dryRun: boolean;
  /** How long to watch for letters failing again after the last send (0: not at all). */
  waitMs: number;
  /** The DLQ's count when the run started (progress and ETA; informative, since SQS's count is approximate). */
  atStart: number;
  startedAt: number;
}

export interface RedriveResult {
  at_start: number;
  matched: number;
  redriven: number;
  /** Matching letters whose send failed: they stay in the DLQ. */
  failed: number;
  /** Letters present at the start that the filter left. */
  skipped: number;
  /** Letters this run sent back that the stage dead-lettered again (seen before the run ended). */
  failed_again: number;
  failed_again_by_reason: Record<string, number>;
  /** Letters written after the run started that were not sent back by it: left for a later redrive. */
  arrived_during_run: number;
}

/** What makes two letters the same message: the original they hold (a message SQS moved is its own original). */
export function letterIdentity(entry: DeadLetterEntry): string {
  return createHash('sha256')
    .update(entry.letter?.original ?? entry.body)
    .digest('hex');
}

export async function redrive(ports: RedrivePorts, options: RedriveOptions): Promise<RedriveResult> {
  const now = ports.now ?? Date.now;
  const result: RedriveResult = {
    at_start: options.atStart,
    matched: 0,
    redriven: 0,
    failed: 0,
    skipped: 0,
    failed_again: 0,
    failed_again_by_reason: {},
    arrived_during_run: 0,
  };
  const sentBack = new Set<string>();

  /** Sorts a batch: letters that are the run's own (present at the start) are returned; the others counted. */
  function presentAtStart(batch: DeadLetterEntry[]): DeadLetterEntry[] {
    const present: DeadLetterEntry[] = [];
    for (const entry of batch) {
      if (sentBack.has(letterIdentity(entry))) {
        result.failed_again += 1;
        result.failed_again_by_reason[entry.reason] = (result.failed_again_by_reason[entry.reason] ?? 0) + 1;
      } else if (entry.failedAt.getTime() >= options.startedAt) result.arrived_during_run += 1;
      else present.push(entry);
    }
    return present;
  }

  async function handle(batch: DeadLetterEntry[]): Promise<void> {
    const present = presentAtStart(batch);
    const chosen = present.filter((e) => options.matches(e));
    result.matched += chosen.length;
    result.skipped += present.length - chosen.length;
    if (!options.dryRun && chosen.length > 0) {
      const sent = await ports.sendBack(chosen);
      for (const entry of sent) sentBack.add(letterIdentity(entry));
      await ports.reader.remove(sent);
      result.redriven += sent.length;
      result.failed += chosen.length - sent.length;
      // Bounded rate: the stage's queue (and Klaviyo behind it) takes the redrive as it takes new traffic.
      const due = options.startedAt + (result.redriven / options.rate) * 1000;
      if (due > now()) await sleep(due - now());
    }
    if (present.length === 0) return;
    // More letters than SQS's approximate count said: the bar grows rather than overflows.
    const handled = result.matched + result.skipped;
    if (handled > options.atStart) ports.progress.setTotal(handled);
    ports.progress.increment(present.length);
  }

  const readAll = async () => {
    for (let batch = await ports.reader.next(); batch.length > 0; batch = await ports.reader.next())
      await handle(batch);
  };

  await readAll();
  if (options.dryRun || result.redriven === 0) return result;
  // The stage takes what was sent back; the letters it writes again arrive in the DLQ meanwhile.
  const watchUntil = now() + options.waitMs;
  while (now() < watchUntil) {
    const stageDone = await ports.stageQueueEmpty();
    await readAll();
    if (stageDone) break;
    await sleep(Math.min(1_000, Math.max(0, watchUntil - now())));
  }
  return result;
}

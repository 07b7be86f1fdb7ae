// `dlq list|show|redrive <stage>`: a stage's dead letters grouped by reason, one in full, and a redrive of all
// or a filtered part of them back to the stage's queue at a bounded rate — each letter present at the start sent
// at most once (cli/redrive.ts), each deleted from the DLQ only after its resend succeeded.
import { Option, type Command } from 'commander';
import { MOVED_BY_SQS, openDlq, sendBack, type DeadLetterEntry } from '../../operations/dead-letters.ts';
import { detailLines } from '../dead-letter-detail.ts';
import { deadLetterSubject } from '../dead-letter-subject.ts';
import { parseDuration } from '../duration.ts';
import { startProgress } from '../progress.ts';
import { queueCounts } from '../../operations/queue-counts.ts';
import { redrive, type RedriveResult } from '../redrive.ts';
import {
  loadStack,
  required,
  STAGES,
  type RelayStack,
  type Stage,
  type StackOptions,
} from '../../operations/relay-stack.ts';
import { withStackOptions } from '../stack-options.ts';

interface FilterOptions {
  reason?: string[];
  source?: string[];
  olderThan?: string;
  newerThan?: string;
  limit?: string;
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

function stageArgument(stage: string): Stage {
  if (!STAGES.includes(stage as Stage)) throw new Error(`"${stage}" is not a stage: use hydrate or deliver`);
  return stage as Stage;
}

const dlqUrlOf = (stack: RelayStack, stage: Stage) =>
  required(stack.dlqUrls[stage], `the ${stage} DLQ`, `--${stage}-dlq-url`, stack);

function withFilters(command: Command): Command {
  return command
    .option('--reason <reason...>', 'only these reasons (e.g. retries_exhausted klaviyo_400)')
    .option('--source <source...>', 'only these sources')
    .option('--older-than <duration>', 'only letters that failed longer ago than this (e.g. 2h)')
    .option('--newer-than <duration>', 'only letters that failed more recently than this (e.g. 30m)');
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

/** Reads every letter once (they are hidden while read, then released), passing each batch to `visit`. */
async function readAll(
  stack: RelayStack,
  stage: Stage,
  label: string,
  json: boolean | undefined,
  visit: (entries: DeadLetterEntry[], reader: ReturnType<typeof openDlq>) => Promise<void>,
): Promise<void> {
  const reader = openDlq(stack, stage, dlqUrlOf(stack, stage));
  const progress = startProgress(label, 0, { json });
  let seen = 0;
  try {
    for (let batch = await reader.next(); batch.length > 0; batch = await reader.next()) {
      seen += batch.length;
      progress.setTotal(seen);
      await visit(batch, reader);
      progress.increment(batch.length);
    }
  } finally {
    progress.stop();
    await reader.release();
  }
}

export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description("Inspect and redrive a stage's dead letters.");

  withFilters(withStackOptions(dlq.command('list')))
    .description('List dead letters grouped by reason, with counts.')
    .argument('<stage>', 'hydrate or deliver')
    .option('--json', 'print JSON')
    .option('--all', 'list every letter, not only the counts')
    .action(
      async (
        stageName: string,
        options: StackOptions & FilterOptions & { json?: boolean; all?: boolean },
      ) => {
        const stage = stageArgument(stageName);
        const stack = await loadStack(options);
        const filter = filterOf(options, Date.now());
        const letters: DeadLetterEntry[] = [];
        await readAll(stack, stage, `reading ${stage} DLQ`, options.json, (batch) => {
          letters.push(...batch.filter((e) => matches(e, filter)));
          return Promise.resolve();
        });
        const byReason = new Map<string, DeadLetterEntry[]>();
        for (const letter of letters)
          byReason.set(letter.reason, [...(byReason.get(letter.reason) ?? []), letter]);
        const groups = [...byReason.entries()]
          .sort((a, b) => b[1].length - a[1].length)
          .map(([reason, entries]) => ({
            reason,
            count: entries.length,
            sources: [...new Set(entries.map((e) => e.source ?? '?'))].sort(),
            oldest: new Date(Math.min(...entries.map((e) => e.failedAt.getTime()))).toISOString(),
            newest: new Date(Math.max(...entries.map((e) => e.failedAt.getTime()))).toISOString(),
            ...(options.all && { letters: entries.map(summaryOf) }),
          }));
        if (options.json) {
          console.log(JSON.stringify({ stage, total: letters.length, reasons: groups }, null, 2));
          return;
        }
        console.log(`${stage} DLQ: ${letters.length} dead letter${letters.length === 1 ? '' : 's'}`);
        for (const group of groups) {
          const note = group.reason === MOVED_BY_SQS ? ' (moved by SQS without a letter)' : '';
          console.log(
            `  ${String(group.count).padStart(6)}  ${group.reason}${note}  sources: ${group.sources.join(', ')}  ${group.oldest} … ${group.newest}`,
          );
          for (const letter of group.letters ?? [])
            console.log(
              `          ${letter.message_id}  ${letter.correlation_id ?? '-'}  ${letter.failed_at}`,
            );
        }
      },
    );

  withStackOptions(dlq.command('show'))
    .description('Show one dead letter in full: its letter and its original message.')
    .argument('<stage>', 'hydrate or deliver')
    .argument('<id>', 'the SQS message id or the correlation id (<source>:<delivery id>)')
    .option('--json', 'print JSON: the summary, the letter and the original message in one document')
    .action(async (stageName: string, id: string, options: StackOptions & { json?: boolean }) => {
      const stage = stageArgument(stageName);
      const stack = await loadStack(options);
      let found: DeadLetterEntry | undefined;
      await readAll(stack, stage, `searching ${stage} DLQ`, true, (batch) => {
        found ??= batch.find((e) => e.messageId === id || e.correlationId === id);
        return Promise.resolve();
      });
      if (!found) throw new Error(`no dead letter ${id} in the ${stage} DLQ`);
      const original = found.letter?.original ?? found.body;
      let message: unknown = original;
      try {
        message = JSON.parse(original);
      } catch {
        // shown as text
      }
      const summary = summaryOf(found);
      if (options.json) {
        console.log(JSON.stringify({ ...summary, letter: found.letter ?? null, original: message }, null, 2));
        return;
      }
      const rows: [string, string | number | null][] = [
        ['message id', summary.message_id],
        ['correlation id', summary.correlation_id],
        ['source', summary.source],
        // Which of the webhook's writes this is (a catalog row, a record): one webhook can make many.
        ['writes', deadLetterSubject(original) ?? null],
        ['reason', summary.reason],
        ['failed at', summary.failed_at],
        ['attempts', summary.attempts],
        ['last error', summary.last_error && `${summary.last_error.reason}: ${summary.last_error.message}`],
      ];
      for (const [name, value] of rows) if (value !== null) console.log(`${`${name}:`.padEnd(16)}${value}`);
      // Why it failed, as the stage kept it (Klaviyo's detail and pointer, a source API's message).
      detailLines(found.letter?.detail).forEach((line, i) =>
        console.log(`${(i === 0 ? 'detail:' : '').padEnd(16)}${line}`),
      );
      console.log('\noriginal message:');
      console.log(typeof message === 'string' ? message : JSON.stringify(message, null, 2));
    });

  withFilters(withStackOptions(dlq.command('redrive')))
    .description(
      "Send the dead letters present now back to the stage's queue, each at most once; each is deleted from the DLQ only after its send succeeded.",
    )
    .argument('<stage>', 'hydrate or deliver')
    .addOption(new Option('--rate <per-second>', 'letters sent a second at most').default('50'))
    .addOption(
      new Option(
        '--wait <duration>',
        "after the last send, how long to watch for letters the stage dead-letters again (ends early once the stage's queue is empty; 0 to not watch)",
      ).default('30s'),
    )
    .option('--dry-run', 'say what would be redriven; change nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        stageName: string,
        options: StackOptions &
          FilterOptions & { rate: string; wait: string; dryRun?: boolean; json?: boolean },
      ) => {
        const stage = stageArgument(stageName);
        const rate = Number(options.rate);
        if (!Number.isFinite(rate) || rate <= 0)
          throw new Error(`--rate must be a positive number, not ${options.rate}`);
        const waitMs = parseDuration(options.wait);
        const stack = await loadStack(options);
        const queueUrl = required(
          stack.queueUrls[stage],
          `the ${stage} queue`,
          `--${stage}-queue-url`,
          stack,
        );
        const dlqUrl = dlqUrlOf(stack, stage);
        const filter = filterOf(options, Date.now());
        const startedAt = Date.now();
        const atStart = (await queueCounts(stack.sqs, dlqUrl)).waiting;
        const reader = openDlq(stack, stage, dlqUrl);
        const progress = startProgress(`redriving ${stage} DLQ`, atStart, { json: options.json });
        let outcome: RedriveResult;
        try {
          outcome = await redrive(
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
              matches: (e) => matches(e, filter),
              rate,
              dryRun: Boolean(options.dryRun),
              waitMs,
              atStart,
              startedAt,
            },
          );
        } finally {
          progress.stop();
          await reader.release();
        }
        const result = { stage, dry_run: Boolean(options.dryRun), ...outcome };
        if (options.json) console.log(JSON.stringify(result, null, 2));
        else if (result.dry_run)
          console.log(
            `${stage}: would redrive ${result.matched} dead letters (${result.skipped} left as they are)`,
          );
        else {
          const again = Object.entries(result.failed_again_by_reason)
            .map(([reason, count]) => `${count} ${reason}`)
            .join(', ');
          console.log(
            `${stage}: sent back ${result.redriven} of ${result.matched} matching dead letters (${result.at_start} in the DLQ at the start; ${result.skipped} did not match)`,
          );
          console.log(
            `  failed again: ${result.failed_again}${again ? ` (${again})` : ''}: back in the DLQ, not sent again`,
          );
          if (result.failed > 0) console.log(`  could not be sent: ${result.failed}: still in the DLQ`);
          if (result.arrived_during_run > 0)
            console.log(`  newer letters left for a later redrive: ${result.arrived_during_run}`);
        }
        if (result.failed > 0) process.exitCode = 1;
      },
    );
}

// `dlq list|show|redrive <stage>`: a stage's dead letters grouped by reason, one in full, and a redrive of all
// or a filtered part of them back to the stage's queue at a bounded rate — each letter present at the start sent
// at most once (cli/redrive.ts), each deleted from the DLQ only after its resend succeeded. What the console's
// Dead letters page does too lives in ../dead-letter-queue.ts.
import { Option, type Command } from 'commander';
import { MOVED_BY_SQS, type DeadLetterEntry } from '../../operations/dead-letters.ts';
import {
  groupByReason,
  letterInFull,
  readEveryLetter,
  redriveQueue,
  summaryOf,
} from '../dead-letter-queue.ts';
import { parseDuration } from '../duration.ts';
import { startProgress } from '../progress.ts';
import { loadStack, STAGES, type Stage, type StackOptions } from '../../operations/relay-stack.ts';
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

function withFilters(command: Command): Command {
  return command
    .option('--reason <reason...>', 'only these reasons (e.g. retries_exhausted klaviyo_400)')
    .option('--source <source...>', 'only these sources')
    .option('--older-than <duration>', 'only letters that failed longer ago than this (e.g. 2h)')
    .option('--newer-than <duration>', 'only letters that failed more recently than this (e.g. 30m)');
}

export { summaryOf };

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
        const progress = startProgress(`reading ${stage} DLQ`, 0, { json: options.json });
        await readEveryLetter(stack, stage, progress, (batch) => {
          letters.push(...batch.filter((e) => matches(e, filter)));
        });
        const groups = groupByReason(letters).map(({ entries, ...group }) => ({
          ...group,
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
      await readEveryLetter(stack, stage, startProgress('', 0, { json: true }), (batch) => {
        found ??= batch.find((e) => e.messageId === id || e.correlationId === id);
      });
      if (!found) throw new Error(`no dead letter ${id} in the ${stage} DLQ`);
      const { rows, detail, original } = letterInFull(found);
      if (options.json) {
        console.log(JSON.stringify({ ...summaryOf(found), letter: found.letter ?? null, original }, null, 2));
        return;
      }
      for (const [name, value] of rows) console.log(`${`${name}:`.padEnd(16)}${value}`);
      detail.forEach((line, i) => console.log(`${(i === 0 ? 'detail:' : '').padEnd(16)}${line}`));
      console.log('\noriginal message:');
      console.log(typeof original === 'string' ? original : JSON.stringify(original, null, 2));
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
        const waitMs = parseDuration(options.wait);
        const stack = await loadStack(options);
        const filter = filterOf(options, Date.now());
        const outcome = await redriveQueue(stack, stage, {
          matches: (e) => matches(e, filter),
          rate: Number(options.rate),
          dryRun: Boolean(options.dryRun),
          waitMs,
          progress: (atStart) => startProgress(`redriving ${stage} DLQ`, atStart, { json: options.json }),
        });
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

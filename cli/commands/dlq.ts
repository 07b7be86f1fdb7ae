// `dlq list|show|redrive <stage|queue>`: dead letters grouped by queue and reason, one in full, and a redrive of all
// or a filtered part of them, each back to the queue its DLQ belongs to, at a bounded rate — each letter present at
// the start sent at most once (cli/redrive.ts), each deleted from the DLQ only after its resend succeeded. A stage
// names all its queues (deliver: one per Klaviyo write family); a queue key one of them.
import { Option, type Command } from 'commander';
import { MOVED_BY_SQS, type DeadLetterEntry } from '../../operations/dead-letters.ts';
import { queuesNamed, type RelayQueue } from '../../operations/relay-queues.ts';
import { loadStack, type StackOptions } from '../../operations/relay-stack.ts';
import { detailLines } from '../dead-letter-detail.ts';
import {
  filterOf,
  listDeadLetters,
  readQueueLetters,
  summaryOf,
  type FilterOptions,
  type ReasonGroup,
} from '../dead-letter-list.ts';
import { deadLetterSubject } from '../dead-letter-subject.ts';
import { parseDuration } from '../duration.ts';
import { redriveQueue, sumRedriveResults, type QueueRedriveResult } from '../queue-redrive.ts';
import { withStackOptions } from '../stack-options.ts';

const QUEUE_ARGUMENT = [
  '<queue>',
  'a stage, hydrate or deliver (all its queues), or a queue key: deliver-consent, deliver-profiles, … (deliver-events: the events queue alone)',
] as const;

function withFilters(command: Command): Command {
  return command
    .option('--reason <reason...>', 'only these reasons (e.g. retries_exhausted klaviyo_400)')
    .option('--source <source...>', 'only these sources')
    .option('--older-than <duration>', 'only letters that failed longer ago than this (e.g. 2h)')
    .option('--newer-than <duration>', 'only letters that failed more recently than this (e.g. 30m)');
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function printGroups(groups: readonly ReasonGroup[], indent: string): void {
  for (const group of groups) {
    const note = group.reason === MOVED_BY_SQS ? ' (moved by SQS without a letter)' : '';
    console.log(
      `${indent}${String(group.count).padStart(6)}  ${group.reason}${note}  sources: ${group.sources.join(', ')}  ${group.oldest} … ${group.newest}`,
    );
    for (const letter of group.letters ?? [])
      console.log(
        `${indent}        ${letter.message_id}  ${letter.correlation_id ?? '-'}  ${letter.failed_at}`,
      );
  }
}

/** The first letter of the queues' DLQs with this SQS message id or correlation id, and its queue. */
async function findLetter(
  stack: Awaited<ReturnType<typeof loadStack>>,
  queues: readonly RelayQueue[],
  id: string,
): Promise<{ entry: DeadLetterEntry; queue: RelayQueue } | undefined> {
  for (const queue of queues) {
    let found: DeadLetterEntry | undefined;
    await readQueueLetters(stack, queue, true, (batch) => {
      found ??= batch.find((e) => e.messageId === id || e.correlationId === id);
      return Promise.resolve();
    });
    if (found) return { entry: found, queue };
  }
  return undefined;
}

export function registerDlqCommands(program: Command): void {
  const dlq = program
    .command('dlq')
    .description("Inspect and redrive dead letters: a stage's (all its queues) or one queue's.");

  withFilters(withStackOptions(dlq.command('list')))
    .description('List dead letters grouped by queue and reason, with counts.')
    .argument(...QUEUE_ARGUMENT)
    .option('--json', 'print JSON')
    .option('--all', 'list every letter, not only the counts')
    .action(
      async (name: string, options: StackOptions & FilterOptions & { json?: boolean; all?: boolean }) => {
        const stack = await loadStack(options);
        const queues = queuesNamed(stack, name);
        const list = await listDeadLetters(stack, queues, filterOf(options, Date.now()), options);
        if (options.json) {
          console.log(JSON.stringify({ stage: queues[0]?.stage, name, ...list }, null, 2));
          return;
        }
        const single = queues.length === 1 && list.queues[0];
        if (single) {
          console.log(`${single.queue} DLQ: ${plural(single.total, 'dead letter')}`);
          printGroups(single.reasons, '  ');
          return;
        }
        console.log(`${name} DLQs (${queues.length} queues): ${plural(list.total, 'dead letter')}`);
        for (const queue of list.queues) {
          console.log(`  ${queue.queue} DLQ: ${plural(queue.total, 'dead letter')}`);
          printGroups(queue.reasons, '    ');
        }
      },
    );

  withStackOptions(dlq.command('show'))
    .description('Show one dead letter in full: its queue, its letter and its original message.')
    .argument(...QUEUE_ARGUMENT)
    .argument('<id>', 'the SQS message id or the correlation id (<source>:<delivery id>)')
    .option('--json', 'print JSON: the summary, the letter and the original message in one document')
    .action(async (name: string, id: string, options: StackOptions & { json?: boolean }) => {
      const stack = await loadStack(options);
      const queues = queuesNamed(stack, name);
      const hit = await findLetter(stack, queues, id);
      if (!hit)
        throw new Error(
          `no dead letter ${id} in the ${queues.map((q) => q.key).join(', ')} DLQ${queues.length > 1 ? 's' : ''}`,
        );
      const { entry: found, queue } = hit;
      const original = found.letter?.original ?? found.body;
      let message: unknown = original;
      try {
        message = JSON.parse(original);
      } catch {
        // shown as text
      }
      const summary = { queue: queue.key, stage: queue.stage, ...summaryOf(found) };
      if (options.json) {
        console.log(JSON.stringify({ ...summary, letter: found.letter ?? null, original: message }, null, 2));
        return;
      }
      const rows: [string, string | number | null][] = [
        ['queue', summary.queue],
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
      for (const [row, value] of rows) if (value !== null) console.log(`${`${row}:`.padEnd(16)}${value}`);
      // Why it failed, as the stage kept it (Klaviyo's detail and pointer, a source API's message).
      detailLines(found.letter?.detail).forEach((line, i) =>
        console.log(`${(i === 0 ? 'detail:' : '').padEnd(16)}${line}`),
      );
      console.log('\noriginal message:');
      console.log(typeof message === 'string' ? message : JSON.stringify(message, null, 2));
    });

  withFilters(withStackOptions(dlq.command('redrive')))
    .description(
      'Send the dead letters present now back to the queue whose DLQ holds them (a stage: each of its queues in turn), each at most once; each is deleted from the DLQ only after its send succeeded.',
    )
    .argument(...QUEUE_ARGUMENT)
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
        name: string,
        options: StackOptions &
          FilterOptions & { rate: string; wait: string; dryRun?: boolean; json?: boolean },
      ) => {
        const rate = Number(options.rate);
        if (!Number.isFinite(rate) || rate <= 0)
          throw new Error(`--rate must be a positive number, not ${options.rate}`);
        const waitMs = parseDuration(options.wait);
        const stack = await loadStack(options);
        const queues = queuesNamed(stack, name);
        const filter = filterOf(options, Date.now());
        const dryRun = Boolean(options.dryRun);
        const perQueue: QueueRedriveResult[] = [];
        for (const queue of queues)
          perQueue.push(
            await redriveQueue(stack, queue, { filter, rate, dryRun, waitMs, json: options.json }),
          );
        const result = {
          stage: queues[0]?.stage,
          name,
          dry_run: dryRun,
          ...sumRedriveResults(perQueue),
          queues: perQueue,
        };
        if (options.json) console.log(JSON.stringify(result, null, 2));
        else
          for (const each of perQueue) {
            if (dryRun) {
              console.log(
                `${each.queue}: would redrive ${each.matched} dead letters (${each.skipped} left as they are)`,
              );
              continue;
            }
            const again = Object.entries(each.failed_again_by_reason)
              .map(([reason, count]) => `${count} ${reason}`)
              .join(', ');
            console.log(
              `${each.queue}: sent back ${each.redriven} of ${each.matched} matching dead letters to the ${each.queue} queue (${each.at_start} in the DLQ at the start; ${each.skipped} did not match)`,
            );
            console.log(
              `  failed again: ${each.failed_again}${again ? ` (${again})` : ''}: back in the DLQ, not sent again`,
            );
            if (each.failed > 0) console.log(`  could not be sent: ${each.failed}: still in the DLQ`);
            if (each.arrived_during_run > 0)
              console.log(`  newer letters left for a later redrive: ${each.arrived_during_run}`);
          }
        if (result.failed > 0) process.exitCode = 1;
      },
    );
}

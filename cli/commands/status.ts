// `status`: what every queue of the relay holds — each queue (hydrate's, deliver's per Klaviyo write family) with its
// messages waiting, in flight and delayed, and its DLQ's depth (SQS's approximate counts; reading changes nothing).
import type { Command } from 'commander';
import { relayQueueCounts } from '../../operations/relay-queue-counts.ts';
import { loadStack, type StackOptions } from '../../operations/relay-stack.ts';
import { withStackOptions } from '../stack-options.ts';

export function registerStatusCommand(program: Command): void {
  withStackOptions(program.command('status'))
    .description(
      "Each queue of the relay (hydrate's, and deliver's per Klaviyo write family): messages waiting, in flight and delayed, and its DLQ's depth.",
    )
    .option('--json', 'print JSON')
    .action(async (options: StackOptions & { json?: boolean }) => {
      const stack = await loadStack(options);
      const queues = (await relayQueueCounts(stack)).map(({ queue, counts, dlq }) => ({
        queue: queue.key,
        stage: queue.stage,
        waiting: counts?.waiting ?? null,
        in_flight: counts?.inFlight ?? null,
        delayed: counts?.delayed ?? null,
        dead_letters: dlq?.waiting ?? null,
      }));
      if (queues.length === 0)
        throw new Error(
          `${stack.origin} names no queues (queue_urls, dlq_urls); pass --stack or the queue flags`,
        );
      if (options.json) {
        console.log(JSON.stringify({ queues }, null, 2));
        return;
      }
      const cell = (value: number | null) => (value === null ? '-' : String(value)).padStart(10);
      console.log(`${'queue'.padEnd(24)}${'stage'.padEnd(9)}   waiting in flight   delayed  DLQ depth`);
      for (const q of queues)
        console.log(
          `${q.queue.padEnd(24)}${q.stage.padEnd(9)}${cell(q.waiting)}${cell(q.in_flight)}${cell(q.delayed)}${cell(q.dead_letters)}`,
        );
    });
}

// `trace <source> <delivery-id>`: where one webhook is — its dedupe record, its messages in the stages' queues
// and DLQs (peeked, not consumed), and each stage's log lines for its correlation id (CloudWatch Logs Insights
// for a deployment, local mode's log file locally) — with a one-line verdict on top. The reading is
// ../trace/trace-webhook.ts, which the console's Webhooks page shares; this file prints it.
import { Option, type Command } from 'commander';
import { detailLines } from '../dead-letter-detail.ts';
import { parseDuration } from '../duration.ts';
import { startProgress } from '../progress.ts';
import { loadStack, type StackOptions } from '../../operations/relay-stack.ts';
import { withStackOptions } from '../stack-options.ts';
import type { DedupeRecord } from '../trace/dedupe-record.ts';
import type { QueueScan } from '../trace/queue-scan.ts';
import { traceWebhook, type LogsResult, type WebhookTrace } from '../trace/trace-webhook.ts';

interface TraceOptions extends StackOptions {
  json?: boolean;
  maxMessages: string;
  since: string;
  logsTimeout: string;
  logs: boolean;
  liveQueues?: boolean;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${flag} must be a positive whole number, not ${text}`);
  return value;
}

function printDedupe(record: DedupeRecord | null): void {
  console.log('\nDedupe record');
  if (!record) {
    console.log('  no record (never accepted, or expired and deleted)');
    return;
  }
  console.log(
    `  state:        ${record.state}${record.state === 'expired' ? ` (stored as ${record.stored_status})` : ''}`,
  );
  if (record.claimed_at) console.log(`  claimed at:   ${record.claimed_at}`);
  if (record.lease_until) console.log(`  lease until:  ${record.lease_until}`);
  console.log(`  expires at:   ${record.expires_at ?? '-'}`);
}

function printQueues(scans: readonly QueueScan[], maxMessages: number, liveQueues: boolean): void {
  console.log(`\nQueues${liveQueues ? '' : ' (DLQs only; --live-queues peeks at the stage queues too)'}`);
  for (const scan of scans) {
    const name = `${scan.stage} ${scan.kind === 'dlq' ? 'DLQ' : 'queue'}`.padEnd(15);
    const notes = [
      `${scan.scanned} message${scan.scanned === 1 ? '' : 's'} peeked`,
      ...(scan.bound_hit ? [`stopped at --max-messages ${maxMessages}: more may follow`] : []),
      ...(scan.in_flight > 0 ? [`${scan.in_flight} in flight, not visible to a peek`] : []),
    ];
    const found =
      scan.hits.length === 0
        ? 'not there'
        : `${scan.hits.length} message${scan.hits.length === 1 ? '' : 's'}`;
    console.log(`  ${name}${found} (${notes.join('; ')})`);
    for (const hit of scan.hits) {
      console.log(
        `      ${hit.message_id}${hit.reason ? `  reason: ${hit.reason}  failed at ${hit.failed_at ?? '?'}` : ''}`,
      );
      if (hit.subject) console.log(`        writes: ${hit.subject}`);
      for (const [i, line] of detailLines(hit.detail).entries())
        console.log(`        ${i === 0 ? 'detail: ' : '        '}${line}`);
    }
  }
}

function printLogs(logs: LogsResult, since: string): void {
  console.log(
    `\nLog lines${logs.origin ? ` (${logs.origin === 'local' ? "local mode's log file" : 'CloudWatch Logs Insights'}, last ${since})` : ''}`,
  );
  if (logs.error !== undefined) {
    console.log(`  could not be read: ${logs.error}`);
    return;
  }
  if (logs.origin === null) {
    console.log('  the stack names no log groups (log_group_names) nor a local log file');
    return;
  }
  if (logs.lines.length === 0) console.log('  none');
  for (const line of logs.lines) {
    const tail = [
      line.outcome && `outcome=${line.outcome}`,
      line.reason && `reason=${line.reason}`,
      line.operation && `operation=${line.operation}`,
    ].filter(Boolean);
    console.log(
      `  ${line.time}  ${line.function.padEnd(7)}  ${line.level.padEnd(5)}  ${line.message}${tail.length ? `  ${tail.join(' ')}` : ''}`,
    );
    for (const [i, text] of detailLines(line.detail).entries())
      console.log(`      ${i === 0 ? 'detail: ' : '        '}${text}`);
  }
}

export function registerTraceCommand(program: Command): void {
  withStackOptions(program.command('trace'))
    .description(
      "Where one webhook is: its dedupe record, its messages in the queues and DLQs (peeked: each is hidden while read, then released), and each stage's log lines.",
    )
    .argument('<source>', 'the source name (as in /webhooks/<source>)')
    .argument('<delivery-id>', "the sender's delivery id")
    .option('--json', 'print JSON')
    .addOption(
      new Option(
        '--max-messages <count>',
        'stop peeking at a queue once this many of its messages were seen',
      ).default('10000'),
    )
    .addOption(
      new Option('--since <duration>', 'how far back to look for log lines (e.g. 2h, 3d)').default('24h'),
    )
    .addOption(
      new Option('--logs-timeout <duration>', 'how long to wait for the Logs Insights query').default('60s'),
    )
    .option('--no-logs', 'skip the log lines')
    .option(
      '--live-queues',
      "peek at the stage queues too, not only the DLQs: a peek is a receive, and counts toward the queue's maxReceiveCount (and the stage's retries)",
    )
    .action(async (source: string, deliveryId: string, options: TraceOptions) => {
      const maxMessages = positiveInteger(options.maxMessages, '--max-messages');
      parseDuration(options.since); // a bad duration fails before any work
      const stack = await loadStack(options);
      const progress = startProgress('peeking queues', 0, { json: options.json });
      let trace: WebhookTrace;
      try {
        trace = await traceWebhook(stack, source, deliveryId, {
          maxMessages,
          since: options.since,
          logsTimeout: options.logsTimeout,
          logs: options.logs,
          liveQueues: options.liveQueues === true,
          ...(options.region !== undefined && { region: options.region }),
          progress,
        });
      } finally {
        progress.stop();
      }
      const { correlation_id: correlationId, verdict, dedupe: record, queues: scans, logs } = trace;
      const liveQueues = options.liveQueues === true;
      if (logs.error !== undefined) {
        console.error(`klaviyo-relay: the log lines could not be read: ${logs.error}`);
        process.exitCode = 1;
      }

      if (options.json) {
        console.log(
          JSON.stringify(
            {
              correlation_id: correlationId,
              verdict,
              dedupe: record,
              queues: scans,
              logs: { since: options.since, ...logs },
            },
            null,
            2,
          ),
        );
        return;
      }
      console.log(`${correlationId}: ${verdict}`);
      printDedupe(record);
      printQueues(scans, maxMessages, liveQueues);
      if (options.logs) printLogs(logs, options.since);
    });
}

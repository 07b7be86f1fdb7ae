// One webhook's trace, as `relay trace` prints it and the console's Webhooks page shows it: its dedupe record,
// its messages in the stages' DLQs (and queues, on request; peeked, not consumed), each stage's log lines for its
// correlation id (CloudWatch Logs Insights for a deployment, local mode's log file locally), and the verdict.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { parseDuration } from '../duration.ts';
import type { Progress } from '../progress.ts';
import { required, STAGES, type RelayStack } from '../../operations/relay-stack.ts';
import { readDedupeRecord, type DedupeRecord } from './dedupe-record.ts';
import { readLocalLogLines } from './local-logs.ts';
import type { TraceLogLine } from './log-line.ts';
import { queryLogLines } from './logs-insights.ts';
import { scanQueues, type QueueScan, type QueueToScan } from './queue-scan.ts';
import { verdictOf } from './verdict.ts';

export interface LogsResult {
  /** Where the lines came from; null when the stack names no logs. */
  origin: 'cloudwatch' | 'local' | null;
  lines: TraceLogLine[];
  /** Why the lines could not be read (the rest of the trace still stands). */
  error?: string;
}

export interface TraceSettings {
  maxMessages: number;
  /** How far back to look for log lines (a duration: 24h). */
  since: string;
  logsTimeout: string;
  logs: boolean;
  /** Peek at the stage queues too (a peek counts toward a message's receives). */
  liveQueues: boolean;
  region?: string;
  progress: Progress;
}

export interface WebhookTrace {
  correlation_id: string;
  verdict: string;
  dedupe: DedupeRecord | null;
  queues: QueueScan[];
  logs: LogsResult;
}

function queuesOf(stack: RelayStack, liveQueues: boolean): QueueToScan[] {
  return STAGES.flatMap((stage) => [
    ...(liveQueues
      ? [
          {
            stage,
            kind: 'queue' as const,
            url: required(stack.queueUrls[stage], `the ${stage} queue`, `--${stage}-queue-url`, stack),
          },
        ]
      : []),
    {
      stage,
      kind: 'dlq' as const,
      url: required(stack.dlqUrls[stage], `the ${stage} DLQ`, `--${stage}-dlq-url`, stack),
    },
  ]);
}

async function logLinesOf(
  stack: RelayStack,
  settings: TraceSettings,
  correlationId: string,
  now: Date,
): Promise<LogsResult> {
  const since = new Date(now.getTime() - parseDuration(settings.since));
  if (stack.localLogFile)
    return { origin: 'local', lines: await readLocalLogLines(stack.localLogFile, correlationId, since) };
  const logGroupNames = Object.fromEntries(
    Object.entries(stack.logGroupNames ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  if (Object.keys(logGroupNames).length === 0) return { origin: null, lines: [] };
  const logs = new CloudWatchLogsClient(settings.region ? { region: settings.region } : {});
  const lines = await queryLogLines({
    logs,
    logGroupNames,
    correlationId,
    since,
    until: now,
    timeoutMs: parseDuration(settings.logsTimeout),
  });
  return { origin: 'cloudwatch', lines };
}

export async function traceWebhook(
  stack: RelayStack,
  source: string,
  deliveryId: string,
  settings: TraceSettings,
): Promise<WebhookTrace> {
  const table = required(stack.dedupeTableName, 'the dedupe table', '--table', stack);
  const queues = queuesOf(stack, settings.liveQueues);
  const correlationId = `${source}:${deliveryId}`;
  const now = new Date();
  const record = await readDedupeRecord(stack.dynamodb, table, source, deliveryId, now);
  const scans = await scanQueues(stack, queues, correlationId, settings.maxMessages, settings.progress);
  const logs: LogsResult = settings.logs
    ? await logLinesOf(stack, settings, correlationId, now).catch((error: unknown) => ({
        origin: null,
        lines: [],
        error: (error as Error).message,
      }))
    : { origin: null, lines: [] };
  return {
    correlation_id: correlationId,
    verdict: verdictOf(record, scans, logs.lines),
    dedupe: record,
    queues: scans,
    logs,
  };
}

// A deployment's log lines for one webhook, through CloudWatch Logs Insights: one query over the three
// functions' log groups (the module's log_group_names), polled until it completes or a timeout passes.
import {
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type CloudWatchLogsClient,
  type ResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import { setTimeout as sleep } from 'node:timers/promises';
import { byTime, concerns, jsonFieldsOf, lineOf, type TraceLogLine } from './log-line.ts';

/** Logs Insights returns at most 10,000 rows a query; one webhook's lines are far fewer. */
const QUERY_LIMIT = 1_000;

/** A Logs Insights string literal, double-quoted, backslashes and quotes escaped (as in `like "\"level\":"`). */
const literal = (text: string) => `"${text.replace(/\\/g, '\\\\').replaceAll('"', '\\"')}"`;

/**
 * The query: lines whose correlation_id is the webhook's, or whose text holds it as a JSON string (ingest's
 * `correlation_ids` list for a request with several events; quoted so that `demo:1` does not match `demo:10`).
 * `@message` comes back too: the line itself, for what field discovery did not give.
 */
export function buildTraceQuery(correlationId: string): string {
  return [
    'fields @timestamp, @log, @message, function, level, message, outcome, reason, correlation_id',
    `| filter correlation_id = ${literal(correlationId)} or @message like ${literal(JSON.stringify(correlationId))}`,
    '| sort @timestamp asc',
    `| limit ${QUERY_LIMIT}`,
  ].join('\n');
}

/** Logs Insights' `@timestamp` ("2026-12-03 10:23:13.123", UTC) as ISO; epoch milliseconds are read too. */
function isoOfInsightsTime(value: string | undefined): string {
  if (!value) return '';
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** A row's fields: those Logs Insights discovered, completed from `@message` when it is a JSON log line. */
function fieldsOfRow(row: readonly ResultField[]): Record<string, unknown> {
  const discovered: Record<string, string> = {};
  for (const { field, value } of row) if (field && value !== undefined) discovered[field] = value;
  const message = discovered['@message'];
  return { ...(message === undefined ? {} : jsonFieldsOf(message)), ...discovered };
}

/**
 * Whether a row is this webhook's. Logs Insights' filter already asked for that; it is checked again because a
 * query engine that ignores the filter (or a `like` that matched an id inside another value) must not put
 * another webhook's lines in this trace.
 */
function rowConcerns(fields: Record<string, unknown>, correlationId: string): boolean {
  const message = fields['@message'];
  return (
    concerns(fields, correlationId) ||
    (typeof message === 'string' && message.includes(JSON.stringify(correlationId)))
  );
}

/** A row's fields as a log line; the function from the row's log group when the line has no `function`. */
function lineOfRow(
  fields: Record<string, unknown>,
  functionByLogGroup: ReadonlyMap<string, string>,
): TraceLogLine {
  // @log is "<account id>:<log group name>".
  const group = typeof fields['@log'] === 'string' ? fields['@log'].replace(/^\d+:/, '') : '';
  const time = isoOfInsightsTime(typeof fields['@timestamp'] === 'string' ? fields['@timestamp'] : undefined);
  return lineOf(fields, time, functionByLogGroup.get(group) ?? group);
}

/** One result row as a log line. */
export function parseResultRow(
  row: readonly ResultField[],
  functionByLogGroup: ReadonlyMap<string, string>,
): TraceLogLine {
  return lineOfRow(fieldsOfRow(row), functionByLogGroup);
}

export interface LogsInsightsQuery {
  logs: Pick<CloudWatchLogsClient, 'send'>;
  /** Log group name by function (ingest, hydrate, deliver). */
  logGroupNames: Readonly<Record<string, string>>;
  correlationId: string;
  since: Date;
  until: Date;
  timeoutMs: number;
  pollIntervalMs?: number;
}

export async function queryLogLines(query: LogsInsightsQuery): Promise<TraceLogLine[]> {
  const groups = Object.values(query.logGroupNames);
  if (groups.length === 0) return [];
  const { queryId } = await query.logs.send(
    new StartQueryCommand({
      logGroupNames: groups,
      startTime: Math.floor(query.since.getTime() / 1000),
      endTime: Math.ceil(query.until.getTime() / 1000),
      queryString: buildTraceQuery(query.correlationId),
      limit: QUERY_LIMIT,
    }),
  );
  if (!queryId) throw new Error('CloudWatch Logs did not start the query (no query id)');
  const functionByLogGroup = new Map(Object.entries(query.logGroupNames).map(([fn, group]) => [group, fn]));
  const deadline = Date.now() + query.timeoutMs;
  for (;;) {
    const out = await query.logs.send(new GetQueryResultsCommand({ queryId }));
    if (out.status === 'Complete')
      return (out.results ?? [])
        .map(fieldsOfRow)
        .filter((fields) => rowConcerns(fields, query.correlationId))
        .map((fields) => lineOfRow(fields, functionByLogGroup))
        .sort(byTime);
    if (out.status === 'Failed' || out.status === 'Cancelled' || out.status === 'Timeout')
      throw new Error(`the Logs Insights query ended with status ${out.status}`);
    if (Date.now() >= deadline) {
      // Do not leave it running (and counting toward the account's concurrent queries).
      await query.logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
      throw new Error(
        `the Logs Insights query did not complete within ${query.timeoutMs / 1000} s (--logs-timeout)`,
      );
    }
    await sleep(query.pollIntervalMs ?? 1_000);
  }
}

// relay trace's CloudWatch Logs Insights query, against a stubbed client: the query it builds, the rows it turns
// into log lines, and its polling until Complete, a failure or the timeout. (moto's Logs Insights runs the query
// without its filter; test/infra/moto-apply.test.ts traces a webhook through it.)
import {
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type GetQueryResultsCommandOutput,
  type ResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { buildTraceQuery, parseResultRow, queryLogLines } from '../../../cli/trace/logs-insights.ts';

const row = (fields: Record<string, string>): ResultField[] =>
  Object.entries(fields).map(([field, value]) => ({ field, value }));

const logGroupNames = {
  ingest: '/aws/lambda/relay-ingest',
  hydrate: '/aws/lambda/relay-hydrate',
  deliver: '/aws/lambda/relay-deliver',
};

/** A client that answers StartQuery, then the given GetQueryResults answers in turn (the last one repeated). */
function stubLogs(answers: Partial<GetQueryResultsCommandOutput>[]) {
  const sent: unknown[] = [];
  let polls = 0;
  return {
    sent,
    send(command: unknown): Promise<unknown> {
      sent.push(command);
      if (command instanceof StartQueryCommand) return Promise.resolve({ queryId: 'q-1' });
      if (command instanceof GetQueryResultsCommand)
        return Promise.resolve(answers[Math.min(polls++, answers.length - 1)]);
      if (command instanceof StopQueryCommand) return Promise.resolve({ success: true });
      return Promise.reject(new Error('unexpected command'));
    },
  };
}

describe('buildTraceQuery', () => {
  it('filters on the correlation id field or the id as a JSON string anywhere in the line, oldest first', () => {
    expect(buildTraceQuery('demo:abc-1')).toBe(
      [
        'fields @timestamp, @log, @message, function, level, message, outcome, reason, correlation_id',
        `| filter correlation_id = "demo:abc-1" or @message like "\\"demo:abc-1\\""`,
        '| sort @timestamp asc',
        '| limit 1000',
      ].join('\n'),
    );
  });

  it('escapes quotes and backslashes a delivery id may hold', () => {
    const query = buildTraceQuery('demo:a"b\\c');
    expect(query).toContain(String.raw`correlation_id = "demo:a\"b\\c"`);
    // JSON.stringify escapes " and \ once, then the literal escapes every \ and " again.
    expect(query).toContain(String.raw`@message like "\"demo:a\\\"b\\\\c\""`);
  });
});

describe('parseResultRow', () => {
  const functions = new Map(Object.entries(logGroupNames).map(([fn, group]) => [group, fn]));

  it('turns a row into a log line with an ISO time', () => {
    expect(
      parseResultRow(
        row({
          '@timestamp': '2026-12-03 10:23:13.123',
          '@log': '123456789012:/aws/lambda/relay-deliver',
          function: 'deliver',
          level: 'WARN',
          message: 'sent to DLQ',
          outcome: 'dead_lettered',
          reason: 'klaviyo_400',
        }),
        functions,
      ),
    ).toEqual({
      time: '2026-12-03T10:23:13.123Z',
      function: 'deliver',
      level: 'WARN',
      message: 'sent to DLQ',
      outcome: 'dead_lettered',
      reason: 'klaviyo_400',
    });
  });

  it('reads what field discovery did not give from @message, and epoch-millisecond times', () => {
    const line = parseResultRow(
      row({
        '@timestamp': String(Date.parse('2026-12-03T10:23:13.123Z')),
        '@log': '/aws/lambda/relay-hydrate',
        '@message': JSON.stringify({ level: 'INFO', message: 'hydrated', correlation_id: 'demo:1' }),
      }),
      functions,
    );
    expect(line).toEqual({
      time: '2026-12-03T10:23:13.123Z',
      function: 'hydrate',
      level: 'INFO',
      message: 'hydrated',
      outcome: null,
      reason: null,
    });
  });

  it('names the function by its log group when the line has no function key', () => {
    const line = parseResultRow(
      row({ '@timestamp': '2026-12-03 10:23:13.000', '@log': '123456789012:/aws/lambda/relay-ingest' }),
      functions,
    );
    expect(line).toMatchObject({ function: 'ingest', level: '?', message: '', outcome: null, reason: null });
  });
});

describe('queryLogLines', () => {
  const since = new Date('2026-12-02T10:00:00.500Z');
  const until = new Date('2026-12-03T10:00:00.500Z');
  const query = (logs: ReturnType<typeof stubLogs>, timeoutMs = 5_000) =>
    queryLogLines({
      logs,
      logGroupNames,
      correlationId: 'demo:1',
      since,
      until,
      timeoutMs,
      pollIntervalMs: 0,
    });

  it('queries the three log groups over the window and polls until Complete, lines sorted by time', async () => {
    const logs = stubLogs([
      { status: 'Running' },
      {
        status: 'Complete',
        results: [
          row({
            '@timestamp': '2026-12-03 09:00:02.000',
            function: 'deliver',
            message: 'delivered',
            outcome: 'delivered',
            correlation_id: 'demo:1',
          }),
          row({
            '@timestamp': '2026-12-03 09:00:00.000',
            function: 'ingest',
            message: 'webhook handled',
            '@message': JSON.stringify({ message: 'webhook handled', correlation_ids: ['demo:0', 'demo:1'] }),
          }),
        ],
      },
    ]);
    const lines = await query(logs);
    expect(lines.map((l) => l.function)).toEqual(['ingest', 'deliver']);
    const start = logs.sent[0] as StartQueryCommand;
    expect(start.input).toMatchObject({
      logGroupNames: Object.values(logGroupNames),
      startTime: Date.parse('2026-12-02T10:00:00Z') / 1000, // whole seconds: the window rounded out
      endTime: Date.parse('2026-12-03T10:00:01Z') / 1000,
      queryString: buildTraceQuery('demo:1'),
    });
    expect(logs.sent.filter((c) => c instanceof GetQueryResultsCommand)).toHaveLength(2);
  });

  it("drops rows that are another webhook's, should the query engine not have filtered them", async () => {
    const logs = stubLogs([
      {
        status: 'Complete',
        results: [
          row({ '@timestamp': '2026-12-03 09:00:00.000', message: 'mine', correlation_id: 'demo:1' }),
          row({ '@timestamp': '2026-12-03 09:00:01.000', message: 'not mine', correlation_id: 'demo:10' }),
          row({ '@timestamp': '2026-12-03 09:00:02.000', '@message': 'REPORT RequestId: 1 Duration: 3 ms' }),
          row({
            '@timestamp': '2026-12-03 09:00:03.000',
            '@message': JSON.stringify({ message: 'batch', correlation_ids: ['demo:10', 'demo:11'] }),
          }),
        ],
      },
    ]);
    expect((await query(logs)).map((l) => l.message)).toEqual(['mine']);
  });

  it('fails with the status when the query fails', async () => {
    await expect(query(stubLogs([{ status: 'Failed' }]))).rejects.toThrow(/ended with status Failed/);
  });

  it('stops the query and fails when it does not complete in time', async () => {
    const logs = stubLogs([{ status: 'Running' }]);
    await expect(query(logs, 0)).rejects.toThrow(/did not complete within 0 s/);
    expect(logs.sent.at(-1)).toBeInstanceOf(StopQueryCommand);
  });

  it('asks nothing when the stack names no log groups', async () => {
    const logs = stubLogs([]);
    expect(
      await queryLogLines({ logs, logGroupNames: {}, correlationId: 'demo:1', since, until, timeoutMs: 1 }),
    ).toEqual([]);
    expect(logs.sent).toEqual([]);
  });
});

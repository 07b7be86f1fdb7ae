// One stage's log line as `relay trace` shows it, whether it came from CloudWatch Logs or local mode's file.
export interface TraceLogLine {
  /** ISO time. */
  time: string;
  /** ingest, hydrate or deliver (the loggers' `function` key, or the log group it came from). */
  function: string;
  level: string;
  message: string;
  outcome: string | null;
  reason: string | null;
}

export const byTime = (a: TraceLogLine, b: TraceLogLine) => a.time.localeCompare(b.time);

/** The fields every relay log line may carry (functions/shared/logger.ts), from a parsed JSON line. */
export function lineOf(fields: Record<string, unknown>, time: string, fallbackFunction = '?'): TraceLogLine {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    time,
    function: text(fields.function) ?? fallbackFunction,
    level: text(fields.level) ?? '?',
    message: text(fields.message) ?? '',
    outcome: text(fields.outcome),
    reason: text(fields.reason),
  };
}

// One stage's log line as `relay trace` shows it, whether it came from CloudWatch Logs or local mode's file.
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

export interface TraceLogLine {
  /** ISO time. */
  time: string;
  /** ingest, hydrate or deliver (the loggers' `function` key, or the log group it came from). */
  function: string;
  level: string;
  message: string;
  outcome: string | null;
  reason: string | null;
  /** The Klaviyo request a deliver line is about (`/api/events`, a consent job's path…), when it names one. */
  operation?: string;
  /** Why, on a line about a failure (a dead letter's error message, Klaviyo's refusal), when it says. */
  detail?: string;
}

/** Whether a parsed line is about this webhook: its `correlation_id`, or ingest's `correlation_ids` list. */
export function concerns(fields: Record<string, unknown>, correlationId: string): boolean {
  if (fields.correlation_id === correlationId) return true;
  return Array.isArray(fields.correlation_ids) && fields.correlation_ids.includes(correlationId);
}

/** A log line's text as a JSON object, or null (a runtime line such as START/REPORT, or a line cut short). */
export function jsonFieldsOf(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export const byTime = (a: TraceLogLine, b: TraceLogLine) => a.time.localeCompare(b.time);

/** The fields every relay log line may carry (functions/shared/logger.ts), from a parsed JSON line. */
export function lineOf(fields: Record<string, unknown>, time: string, fallbackFunction = '?'): TraceLogLine {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const operation = text(fields.operation);
  const detail = text(fields.detail);
  return {
    time,
    function: text(fields.function) ?? fallbackFunction,
    level: text(fields.level) ?? '?',
    message: text(fields.message) ?? '',
    outcome: text(fields.outcome),
    reason: text(fields.reason),
    ...(operation === null ? {} : { operation }),
    ...(detail === null ? {} : { detail }),
  };
}

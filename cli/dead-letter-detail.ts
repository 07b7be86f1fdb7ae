// Why a dead letter failed, as text lines for `dlq show` and `trace` (`--json` prints the letter's `detail` as it
// is): Klaviyo's errors one a line — code, detail, the pointer into the request (`source.pointer`) or the query
// parameter —, a row refused in a bulk job (a catalog row) by its error and job, a source API's answer by its
// message where it has one, else the detail as written, shortened.
import { isPlainObject } from '../functions/shared/json/is-plain-object.ts';

const MAX_LINE = 300;
const MAX_LINES = 10;

const short = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
};

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** A Klaviyo error object (`errors[]` of a JSON:API answer): code · detail (or title) · at pointer. */
function klaviyoError(value: Record<string, unknown>): string | undefined {
  const source = isPlainObject(value.source) ? value.source : {};
  const what = text(value.detail) ?? text(value.title);
  if (what === undefined && text(value.code) === undefined) return undefined;
  const where = text(source.pointer) ?? text(source.parameter);
  return [text(value.code), what, where && `at ${where}`].filter(Boolean).join(' · ');
}

/** The message a source API's error answer carries (`message`, `error`, `error.message`, `errors[0]…`). */
function apiMessage(value: Record<string, unknown>): string | undefined {
  const error = value.error;
  return (
    text(value.message) ??
    text(error) ??
    (isPlainObject(error) ? (text(error.message) ?? text(error.detail)) : undefined) ??
    text(value.detail) ??
    text(value.title)
  );
}

/**
 * A row Klaviyo refused in a bulk job (a catalog row): its error from the job's read-back, the job, and an earlier
 * refusal of the same row (an update that found nothing before the create that failed).
 */
function jobRowError(detail: Record<string, unknown>): string[] | undefined {
  if (typeof detail.operation !== 'string' || !isPlainObject(detail.error)) return undefined;
  const error = klaviyoError(detail.error);
  if (error === undefined) return undefined;
  const job = text(detail.job_id);
  const lines = [error, `in ${detail.operation}${job ? ` (job ${job})` : ''}`];
  const earlier = isPlainObject(detail.earlier) ? detail.earlier : undefined;
  const before = earlier && isPlainObject(earlier.error) ? klaviyoError(earlier.error) : undefined;
  if (earlier && before) lines.push(`before that: ${before} in ${text(earlier.operation) ?? '?'}`);
  return lines.map(short);
}

function linesOf(detail: unknown): string[] {
  if (detail === undefined || detail === null || detail === '') return [];
  if (typeof detail === 'string') {
    try {
      const parsed: unknown = JSON.parse(detail);
      if (parsed !== null && typeof parsed === 'object') return linesOf(parsed);
    } catch {
      // not JSON: the text itself
    }
    return [short(detail)];
  }
  if (Array.isArray(detail)) {
    const errors = detail.map((item) => (isPlainObject(item) ? klaviyoError(item) : undefined));
    if (errors.every((line) => line !== undefined)) return errors;
    return [short(JSON.stringify(detail))];
  }
  if (isPlainObject(detail)) {
    if (Array.isArray(detail.errors)) return linesOf(detail.errors);
    const refusedRow = jobRowError(detail);
    if (refusedRow !== undefined) return refusedRow;
    const message = apiMessage(detail);
    const rest = short(JSON.stringify(detail));
    return message === undefined ? [rest] : [short(message), rest];
  }
  return [short(JSON.stringify(detail))];
}

/** The letter's detail as lines of text (at most ten; empty when there is none). */
export function detailLines(detail: unknown): string[] {
  const lines = linesOf(detail);
  return lines.length > MAX_LINES
    ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more (--json shows all)`]
    : lines;
}

// How a mapped value is read as what Klaviyo takes: a time, a number, a currency, an identifier, a yes/no.
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue, type ValueSpec } from '../../shared/config/expression.ts';

/**
 * ISO 8601 text or epoch seconds/milliseconds as an ISO timestamp; undefined when it is neither, or names a time
 * outside what a date can hold (±8.64e15 ms, e.g. `1e16`): the caller falls back to the received time.
 */
export function toTime(value: unknown): string | undefined {
  let epochMs: number | undefined;
  // Epoch seconds or milliseconds, whichever the magnitude says.
  if (typeof value === 'number' && Number.isFinite(value)) epochMs = value < 1e12 ? value * 1000 : value;
  else if (typeof value === 'string') epochMs = Date.parse(value);
  const date = new Date(epochMs ?? Number.NaN);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A number, or numeric text (`"31.49"`, as many shops send prices); undefined for anything else. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

const ISO_4217 = /^[A-Z]{3}$/;

/**
 * An ISO 4217 code: three letters, uppercased (Stripe sends `usd`). Missing → undefined; anything else is a
 * permanent failure naming the field, since Klaviyo would record a value in a currency that does not exist.
 */
export function toCurrency(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!ISO_4217.test(code)) {
    throw new PermanentError(
      `${where}: ${JSON.stringify(value)?.slice(0, 50)} is not an ISO 4217 currency code such as USD`,
      'value_currency_invalid',
      { where },
    );
  }
  return code;
}

/**
 * Whether a filter lets the event through, with JSONata's idea of truth: false, null, a missing value, 0, '',
 * an empty list or object are false; a list is true when one of its items is.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0) return false;
  if (typeof value === 'number') return !Number.isNaN(value);
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A profile identifier: a non-empty string (trimmed) or a finite number as text. */
function asIdentifier(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The first spec that gives an identifier; specs are read in order and the rest are not evaluated. */
export async function firstIdentifier(
  specs: readonly ValueSpec[],
  context: unknown,
  where: string,
): Promise<string | undefined> {
  for (const [index, spec] of specs.entries()) {
    const found = asIdentifier(await readValue(spec, context, `${where}[${index}]`));
    if (found !== undefined) return found;
  }
  return undefined;
}

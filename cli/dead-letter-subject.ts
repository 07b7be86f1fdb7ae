// What a dead letter was writing, as one line for `dlq show` and `trace`: a webhook can become many deliver
// messages under one correlation id (a product's item and each variant, several records or subscriptions), so the
// reason alone does not say which of them Klaviyo refused. Read from the letter's original message; undefined for
// messages that name nothing beyond their webhook (events, profiles).
import { isPlainObject } from '../functions/shared/json/is-plain-object.ts';

/** Klaviyo's id of a catalog row the relay writes (`$custom` rows only, in the default catalog). */
const catalogId = (externalId: string) => `$custom:::$default:::${externalId}`;

/** The original message as JSON text or as parsed; anything else names nothing. */
function parsed(original: unknown): Record<string, unknown> | undefined {
  if (typeof original !== 'string') return isPlainObject(original) ? original : undefined;
  try {
    const value: unknown = JSON.parse(original);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * `catalog variant $custom:::$default:::<id> (upsert)`, `record <id> in data source <id>`, `back in stock on
 * catalog variant …`, or undefined.
 */
export function deadLetterSubject(original: unknown): string | undefined {
  const message = parsed(original);
  if (message === undefined) return undefined;
  if (message.type === 'klaviyo.catalog') {
    const externalId = text(message.external_id);
    if (externalId === undefined) return undefined;
    return `catalog ${text(message.entity) ?? 'row'} ${catalogId(externalId)} (${text(message.operation) ?? '?'})`;
  }
  if (message.type === 'klaviyo.record') {
    const recordId = text(message.record_id);
    if (recordId === undefined) return undefined;
    return `record ${recordId} in data source ${text(message.data_source_id) ?? '?'}`;
  }
  if (message.type === 'klaviyo.back-in-stock') {
    const variant = text(message.variant_external_id);
    return variant === undefined ? undefined : `back in stock on catalog variant ${catalogId(variant)}`;
  }
  return undefined;
}

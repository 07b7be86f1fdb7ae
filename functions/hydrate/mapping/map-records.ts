// The custom-object records one webhook becomes (`mapping.records`): each entry whose event types match and whose
// `when` holds gives one `klaviyo.record` message for its data source, or one per element of its `for_each` (read
// as `item`, `index`), named by its record id so that a redelivered or replayed webhook updates the same record
// (docs/adr/0034-custom-object-records.md). Fields that read nothing are left out of the record. A record with no
// record id is skipped with the reason (logged and counted by the caller); one that breaks the contract (over
// Klaviyo's 512 KB) fails the webhook as `mapping_invalid`, as another mapped write does.
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import type { RecordSpec } from '../../shared/config/mapping-records.ts';
import { readValue } from '../../shared/config/expression.ts';
import {
  klaviyoRecordV1Schema,
  type KlaviyoRecordV1,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import type { SkippedEvent } from './plan-events.ts';
import { isTruthy } from './values.ts';

/** A record id as Klaviyo's field takes it: non-empty text, or a number written as text (Zendesk's ticket ids). */
export const asRecordId = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : typeof value === 'bigint'
        ? value.toString()
        : undefined;

const asList = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

export async function mapRecords(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  out: { skipped: SkippedEvent[] },
  add: (made: KlaviyoRecordV1) => void,
): Promise<void> {
  for (const [position, entry] of (source.mapping.records ?? []).entries()) {
    if (entry.event_types !== undefined && !entry.event_types.includes(message.event_type)) continue;
    const where = `${mappingWhere(message.source)}.records[${position}]`;
    if (entry.when !== undefined && !isTruthy(await readValue(entry.when, context, `${where}.when`)))
      continue;
    if (entry.for_each === undefined) {
      const made = await recordOf(message, entry, context, where, out);
      if (made) add(made);
      continue;
    }
    const elements = asList(await readValue(entry.for_each, context, `${where}.for_each`));
    for (const [index, item] of elements.entries()) {
      const made = await recordOf(message, entry, { ...context, item, index }, `${where}[${index}]`, out);
      if (made) add(made);
    }
  }
}

async function recordOf(
  message: WebhookReceivedV1,
  entry: RecordSpec,
  context: unknown,
  where: string,
  out: { skipped: SkippedEvent[] },
): Promise<KlaviyoRecordV1 | undefined> {
  const recordId = asRecordId(await readValue(entry.record_id, context, `${where}.record_id`));
  if (recordId === undefined) {
    out.skipped.push({
      where: `${where}.record_id`,
      reason: 'no record id (a non-empty text or a number)',
    });
    return undefined;
  }
  const record: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(entry.record)) {
    const value = await readValue(spec, context, `${where}.record.${name}`);
    if (value !== undefined) record[name] = value;
  }
  const parsed = klaviyoRecordV1Schema().safeParse({
    type: 'klaviyo.record',
    version: 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    data_source_id: entry.data_source,
    record_id: recordId,
    record,
  });
  if (!parsed.success)
    throw new PermanentError(`${where}: mapped record does not match the contract`, 'mapping_invalid', {
      where,
      issues: parsed.error.issues,
    });
  return parsed.data;
}

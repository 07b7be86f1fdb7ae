// hydrate → deliver: the custom-object record message (klaviyo.record) and Klaviyo's limit on one record
// (docs/adr/0034-custom-object-records.md).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { trace } from './fields.ts';

/** Klaviyo's limit on one data source record, in UTF-8 bytes of its JSON (Bulk Create Data Source Records). */
export const MAX_RECORD_BYTES = 512 * 1024;

/**
 * hydrate → deliver: one custom-object record for a data source (Klaviyo's Bulk Create Data Source Records, or
 * Create Data Source Record when it waits alone; deliver gathers a batch's records into jobs). `record_id` names the
 * record: deliver sends it as the record's `id`, the field the custom object is keyed by, so a redelivered record
 * updates the same record rather than adding one (docs/adr/0034-custom-object-records.md).
 */
export const klaviyoRecordV1Schema = memo(() =>
  z
    .strictObject({
      type: z.literal('klaviyo.record'),
      version: z.literal(1),
      ...trace(),
      /** The data source's id in the Klaviyo account (`relay data-source create` prints it). */
      data_source_id: z.string().check(z.minLength(1), z.maxLength(64)),
      record_id: z.string().check(z.minLength(1), z.maxLength(255)),
      record: z.record(z.string(), z.json()),
    })
    .check(
      z.refine((m) => m.record.id === undefined || m.record.id === m.record_id, {
        message: "a record's own id, when it has one, is its record_id",
      }),
      z.refine((m) => Buffer.byteLength(JSON.stringify(m.record)) <= MAX_RECORD_BYTES, {
        message: `a record is at most ${MAX_RECORD_BYTES} bytes of JSON (Klaviyo's 512 KB)`,
      }),
    ),
);
export type KlaviyoRecordV1 = z.infer<ReturnType<typeof klaviyoRecordV1Schema>>;

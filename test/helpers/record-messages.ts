// Custom-object records (hydrate → deliver `klaviyo.record`) for tests, built through the real contract.
import { klaviyoRecordV1Schema, type KlaviyoRecordV1 } from '../../functions/shared/stage/contracts.ts';

/** Record `record_id` (default: the message id) of data source `DS1`, a small ticket unless `record` is given. */
export function recordFixture(id: string, fields: Partial<KlaviyoRecordV1> = {}): KlaviyoRecordV1 {
  return klaviyoRecordV1Schema().parse({
    type: 'klaviyo.record',
    version: 1,
    correlation_id: `zendesk:${id}`,
    source: 'zendesk',
    delivery_id: id,
    data_source_id: 'DS1',
    record_id: fields.record_id ?? id,
    record: { subject: `Ticket ${id}`, status: 'open' },
    ...fields,
  });
}

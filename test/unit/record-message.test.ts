// The `klaviyo.record` stage message (hydrate → deliver): a custom-object record for a data source, named by its
// record id, at most Klaviyo's 512 KB; deliver reads it among the other messages.
import { describe, expect, it } from 'vitest';
import {
  MAX_RECORD_BYTES,
  deliverMessageSchema,
  klaviyoRecordV1Schema,
} from '../../functions/shared/stage/contracts.ts';

const record = (fields: Record<string, unknown> = {}) => ({
  type: 'klaviyo.record',
  version: 1,
  correlation_id: 'zendesk:d-1',
  source: 'zendesk',
  delivery_id: 'd-1',
  data_source_id: '01KH1D6P9Y8TJ7Q6MHXWZMPDN3',
  record_id: 'ticket-42',
  record: { subject: 'Help', status: 'open', tags: ['a'], requester: { name: 'Ada' }, priority: null },
  ...fields,
});

const problem = (value: unknown) => {
  const result = klaviyoRecordV1Schema().safeParse(value);
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ');
};

describe('klaviyo.record v1', () => {
  it('carries any JSON object as the record, and is one of the messages deliver reads', () => {
    expect(problem(record())).toBeUndefined();
    expect(deliverMessageSchema().parse(record())).toMatchObject({
      type: 'klaviyo.record',
      record_id: 'ticket-42',
    });
    expect(problem(record({ record: { id: 'ticket-42', subject: 'Help' } }))).toBeUndefined();
  });

  it('refuses a record whose own id is not its record_id, one over 512 KB, and one that is not an object', () => {
    expect(problem(record({ record: { id: 'ticket-41' } }))).toMatch(
      /own id, when it has one, is its record_id/,
    );
    expect(problem(record({ record: { text: 'x'.repeat(MAX_RECORD_BYTES) } }))).toMatch(
      /at most 524288 bytes/,
    );
    expect(problem(record({ record: ['a'] }))).toBeDefined();
    expect(problem(record({ record_id: '' }))).toBeDefined();
    expect(problem(record({ data_source_id: undefined }))).toBeDefined();
  });
});

// Custom-object records through deliverBatch, the real Klaviyo client and its pacers, against the Klaviyo mock:
// a batch's records gathered into full jobs per data source (a record alone through the single operation),
// beside an event; a record over 512 KB dead-lettered while the rest go; records for a data source the account
// does not have dead-lettered with Klaviyo's error; and a record redelivered — in the same batch or a later one —
// kept once, under its record id.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { createPacers } from '../../functions/deliver/endpoint-pacers.ts';
import { createKlaviyoClient } from '../../functions/deliver/klaviyo-client.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { MAX_RECORD_BYTES, type DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import type { ParsedRecord } from '../../functions/shared/stage/stage-options.ts';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { recordFixture } from '../helpers/record-messages.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

const log = createLogger('deliver');
const sqsRecord = (id: string, message: DeliverMessage) =>
  ({ id, message, log, record: {} }) as unknown as ParsedRecord<DeliverMessage>;

describe('deliverBatch: custom-object records against the Klaviyo mock', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ apiKey: 'pk_records' });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  function deliver(batch: ParsedRecord<DeliverMessage>[]) {
    const settings = klaviyoSettingsSchema().parse({
      api_key: { env: 'K' },
      base_url: mock.url,
      max_concurrency: 1,
    });
    const klaviyo = createKlaviyoClient({
      settings,
      apiKey: () => Promise.resolve('pk_records'),
      pacer: createPacers(settings),
    });
    const counts: Record<string, number> = {};
    const counters = {
      count: (name: string, value = 1) => void (counts[name] = (counts[name] ?? 0) + value),
    };
    return deliverBatch(batch, { klaviyo, settings, counters, log, deadline: Date.now() + 30_000 });
  }

  it('gathers records into full jobs per data source, beside an event; a record over 512 KB alone is dead-lettered', async () => {
    const tickets = mock.createDataSource('Zendesk tickets');
    const subscriptions = mock.createDataSource('Stripe subscriptions');
    const batch = [
      ...Array.from({ length: 600 }, (_, i) =>
        sqsRecord(`t${i}`, recordFixture(`t${i}`, { data_source_id: tickets.id })),
      ),
      sqsRecord('s1', recordFixture('s1', { data_source_id: subscriptions.id, record: { plan: 'pro' } })),
      sqsRecord('e1', eventFixture(1)),
      sqsRecord(
        'big',
        recordFixture('big', {
          data_source_id: tickets.id,
          record: { text: 'x'.repeat(MAX_RECORD_BYTES - 15) },
        }),
      ),
    ];
    const outcomes = await deliver(batch);

    expect(outcomes.size).toBe(603);
    expect(outcomes.get('big')).toMatchObject({ kind: 'dead-letter', error: { reason: 'record_too_large' } });
    expect([...outcomes].filter(([, o]) => o.kind !== 'done').map(([id]) => id)).toEqual(['big']);
    const requests = mock.requests().map((r) => `${r.operation ?? '?'} ${r.status}`);
    expect(requests.sort()).toEqual([
      'bulk_create_data_source_records 204',
      'bulk_create_data_source_records 204',
      'create_data_source_record 204',
      'create_event 202',
    ]);
    const records = mock.records();
    expect(records).toHaveLength(601);
    expect(records.filter((r) => r.dataSourceId === tickets.id)).toHaveLength(600);
    expect(records.find((r) => r.dataSourceId === subscriptions.id)).toMatchObject({
      recordId: 's1',
      record: { id: 's1', plan: 'pro' },
      via: 'create_data_source_record',
    });
    expect(records.every((r) => r.writes === 1)).toBe(true);
    expect(mock.events()).toHaveLength(1);
  });

  it('a record redelivered (same record id) is written once in its batch, and kept once when it comes again later', async () => {
    const { id } = mock.createDataSource('Zendesk tickets');
    const ticket = recordFixture('ticket-42', {
      data_source_id: id,
      record: { subject: 'Help', status: 'open' },
    });
    const first = await deliver([
      sqsRecord('m1', ticket),
      sqsRecord('m2', recordFixture('ticket-43', { data_source_id: id })),
      sqsRecord('m1-redelivered', ticket),
    ]);
    expect([...first.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(first.size).toBe(3);
    expect(mock.records().map((r) => [r.recordId, r.writes])).toEqual([
      ['ticket-42', 1],
      ['ticket-43', 1],
    ]);

    const later = await deliver([sqsRecord('m1-later', ticket)]);
    expect(later.get('m1-later')?.kind).toBe('done');
    expect(mock.records().map((r) => [r.recordId, r.record])).toEqual([
      ['ticket-42', { id: 'ticket-42', subject: 'Help', status: 'open' }],
      ['ticket-43', { id: 'ticket-43', subject: 'Ticket ticket-43', status: 'open' }],
    ]);
  });

  it("dead-letters records for a data source the account does not have, with Klaviyo's error", async () => {
    const { id } = mock.createDataSource('Zendesk tickets');
    const outcomes = await deliver([
      sqsRecord('a', recordFixture('a', { data_source_id: 'NO-SUCH-SOURCE' })),
      sqsRecord('b', recordFixture('b', { data_source_id: 'NO-SUCH-SOURCE' })),
      sqsRecord('c', recordFixture('c', { data_source_id: id })),
    ]);
    for (const refused of ['a', 'b'])
      expect(outcomes.get(refused)).toMatchObject({
        kind: 'dead-letter',
        error: {
          reason: 'klaviyo_400',
          detail: [
            {
              detail: "No data source with id 'NO-SUCH-SOURCE' exists.",
              source: { pointer: '/data/relationships/data-source/data/id' },
            },
          ],
        },
      });
    expect(outcomes.get('c')?.kind).toBe('done');
    expect(mock.records().map((r) => r.recordId)).toEqual(['c']);
  });
});

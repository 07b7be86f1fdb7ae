// `relay map` prints the requests a webhook's custom-object records and back-in-stock subscriptions become, as
// deliver builds them: a record alone as Create Data Source Record with its record id as the record's id, records
// of one data source from the bulk threshold on as one bulk job, each subscription as Create Back In Stock
// Subscription on the variant's catalog id.
import { describe, expect, it } from 'vitest';
import { requestsFor } from '../../cli/commands/map.ts';
import { backInStockFixture } from '../helpers/back-in-stock-messages.ts';
import { recordFixture } from '../helpers/record-messages.ts';

describe('relay map: records and back in stock', () => {
  it('prints a record alone as Create Data Source Record, named by its record id', () => {
    const requests = requestsFor([recordFixture('35436')]);
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/api/data-source-record-create-jobs',
        body: {
          data: {
            type: 'data-source-record-create-job',
            attributes: {
              'data-source-record': {
                data: {
                  type: 'data-source-record',
                  attributes: { record: { subject: 'Ticket 35436', status: 'open', id: '35436' } },
                },
              },
            },
            relationships: { 'data-source': { data: { type: 'data-source', id: 'DS1' } } },
          },
        },
      },
    ]);
  });

  it('prints records of one data source from the bulk threshold on as one bulk job', () => {
    const records = Array.from({ length: 50 }, (_, i) => recordFixture(`t${i}`));
    const requests = requestsFor(records);
    expect(requests.map((r) => r.path)).toEqual(['/api/data-source-record-bulk-create-jobs']);
  });

  it('prints a back-in-stock subscription on the synced variant', () => {
    const requests = requestsFor([backInStockFixture('n1', { channels: ['EMAIL', 'SMS'] })]);
    expect(requests).toMatchObject([
      {
        path: '/api/back-in-stock-subscriptions',
        body: {
          data: {
            attributes: { channels: ['EMAIL', 'SMS'] },
            relationships: { variant: { data: { id: '$custom:::$default:::SKU-1-M' } } },
          },
        },
      },
    ]);
  });
});

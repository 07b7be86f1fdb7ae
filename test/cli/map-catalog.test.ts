// `relay map` prints the catalog jobs a webhook's catalog rows become: per entity in deliver's order, an upsert as
// the update job deliver sends first, a delete as a delete job.
import { describe, expect, it } from 'vitest';
import { requestsFor } from '../../cli/commands/map.ts';
import { catalogDelete, itemUpsert, variantUpsert } from '../helpers/catalog-messages.ts';

describe('relay map: catalog rows', () => {
  it('become bulk catalog jobs, items before variants, deletes after', () => {
    const requests = requestsFor([
      variantUpsert('v1', 'p1'),
      catalogDelete('item', 'old'),
      itemUpsert('p1'),
      variantUpsert('v2', 'p1'),
    ]);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/catalog-item-bulk-update-jobs',
      'POST /api/catalog-variant-bulk-update-jobs',
      'POST /api/catalog-item-bulk-delete-jobs',
    ]);
    expect(requests[1]?.body).toMatchObject({
      data: {
        type: 'catalog-variant-bulk-update-job',
        attributes: {
          variants: {
            data: [{ id: '$custom:::$default:::v1' }, { id: '$custom:::$default:::v2' }],
          },
        },
      },
    });
  });
});

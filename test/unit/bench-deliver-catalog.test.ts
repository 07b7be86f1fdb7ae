// The catalog benchmark's backlog and arithmetic (scripts/bench/deliver-catalog-mix.ts), on made-up mock records:
// each product's rows together, item first; applied rows a minute per write endpoint against jobs a minute × 100;
// job reads apart, on their own limits; rows lost (absent, or held with other data) and applied twice.
import { describe, expect, it } from 'vitest';
import {
  catalogBacklog,
  catalogFigures,
  productRows,
  type CatalogRecords,
} from '../../scripts/bench/deliver-catalog-mix.ts';
import type { MixRecords } from '../../scripts/bench/deliver-mix.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';

const event = (n: number) =>
  ({ type: 'klaviyo.event', unique_id: `bench:${n}` }) as unknown as DeliverMessage;
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 23) + seconds * 1_000).toISOString();

describe('catalogBacklog', () => {
  it('spreads products over the events, each product its item then its variants', () => {
    const backlog = catalogBacklog({ events: 4, products: 2, variantsPer: 2 }, event);
    const kinds = backlog.map((m) =>
      m.type === 'klaviyo.catalog'
        ? `${m.entity}:${m.external_id}`
        : `event:${(m as { unique_id: string }).unique_id}`,
    );
    expect(kinds).toEqual([
      'event:bench:0',
      'item:bench-product-0',
      'variant:bench-product-0-v0',
      'variant:bench-product-0-v1',
      'event:bench:1',
      'event:bench:2',
      'item:bench-product-1',
      'variant:bench-product-1-v0',
      'variant:bench-product-1-v1',
      'event:bench:3',
    ]);
    expect(productRows(7, 1)[1]).toMatchObject({ operation: 'upsert', fields: { item: 'bench-product-7' } });
  });
});

describe('catalogFigures', () => {
  // One product (item + 1 variant), 2 events; 60 s of Klaviyo time at time scale 2 is 30 s of wall time.
  const records: MixRecords = {
    requests: [
      { at: at(0), status: 202, path: '/api/events' },
      { at: at(30), status: 202, path: '/api/events' },
      { at: at(10), status: 202, path: '/api/catalog-item-bulk-create-jobs' },
      { at: at(12), status: 429, path: '/api/catalog-item-bulk-create-jobs' },
      { at: at(40), status: 202, path: '/api/catalog-item-bulk-create-jobs' },
      { at: at(11), status: 200, path: '/api/catalog-item-bulk-create-jobs/J1' },
      { at: at(41), status: 200, path: '/api/catalog-item-bulk-create-jobs/J2/' },
      { at: at(20), status: 202, path: '/api/catalog-variant-bulk-create-jobs' },
    ],
    eventIds: ['bench:0', 'bench:1', 'bench:1'],
    profileEmails: [],
    profileImportsOk: 0,
    jobRowEmails: [],
    consentKeys: [],
  };
  const catalog: CatalogRecords = {
    jobs: [
      { path: '/api/catalog-item-bulk-create-jobs', rows: 3, applied: ['item bench-product-0'] },
      { path: '/api/catalog-item-bulk-create-jobs', rows: 1, applied: ['item bench-product-0'] },
      { path: '/api/catalog-variant-bulk-create-jobs', rows: 1, applied: ['variant bench-product-0-v0'] },
    ],
    entries: [
      ['item bench-product-0', 'Bench product 0, updated'],
      ['variant bench-product-0-v0', 'an older title'],
    ],
  };
  const figures = catalogFigures(records, catalog, { events: 3, products: 1, variantsPer: 1 }, 2);

  it('counts applied rows a minute per write endpoint against jobs a minute × 100 rows', () => {
    const items = figures.writes.find((w) => w.endpoint === '/api/catalog-item-bulk-create-jobs');
    // 2 applied rows over 30 s wall = 60 s Klaviyo time → 2/min, of 750 jobs/min × 100 rows.
    expect(items).toEqual({
      endpoint: '/api/catalog-item-bulk-create-jobs',
      jobs: 2,
      rowsSent: 4,
      rowsApplied: 2,
      rowsPerMinute: 2,
      allowedRowsPerMinute: 75_000,
    });
    expect(figures.writes).toHaveLength(2);
  });

  it('puts the job reads apart, each on its own limit, and the events beside them', () => {
    expect(figures.reads.map((r) => [r.endpoint, r.requests, r.limitPerMinute])).toEqual([
      ['/api/catalog-item-bulk-create-jobs/{job_id}', 2, 750],
    ]);
    expect(figures.others.map((r) => [r.endpoint, r.requests, r.perMinute])).toEqual([['/api/events', 2, 2]]);
    expect([figures.requests, figures.throttled]).toEqual([8, 1]);
  });

  it('counts distinct rows applied a minute while catalog jobs ran', () => {
    // 2 distinct rows from the first catalog request (10 s) to the last (41 s): 31 s wall, 62 s Klaviyo time.
    expect(figures.catalogRowsPerMinute).toBeCloseTo((2 / 62) * 60, 6);
  });

  it('counts a row lost when the catalog lacks it or holds other data, and rows applied twice', () => {
    expect(figures.lost).toEqual({ events: 1, rows: 1 });
    expect(figures.twice).toEqual({ events: 1, rows: 1 });
  });
});

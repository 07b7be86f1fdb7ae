// The deliver benchmark's catalog backlog (issue 21; `npm run bench:deliver -- --catalog`): product upserts — an
// item row and its variant rows per product, one `klaviyo.catalog` message each, kept together as a product webhook
// yields them — interleaved evenly with `klaviyo.event` messages on one queue. Figures: per catalog write endpoint
// the jobs, the rows sent and applied, and the applied rows a minute as a share of what its job limit allows
// (jobs a minute × 100 rows); the reads of those jobs against their own limits; the events' share of Create Event's
// limit (deliver-mix.ts); and rows lost (the mock's catalog against the backlog) or applied twice. deliver.ts runs it.
import { PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import { CATALOG_JOB_MAX_ROWS } from '../../functions/deliver/catalog-plan.ts';
import {
  klaviyoCatalogV1Schema,
  type DeliverMessage,
  type KlaviyoCatalogV1,
} from '../../functions/shared/stage/contracts.ts';
import type { startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { mixFigures, type EndpointFigures, type MixRecords } from './deliver-mix.ts';

type Mock = Awaited<ReturnType<typeof startKlaviyoMock>>;

export interface CatalogCounts {
  events: number;
  products: number;
  /** Variant rows per product (each product also has its item row). */
  variantsPer: number;
}

/** What the worker thread sends back from the mock's catalog: only what the figures need. */
export interface CatalogRecords {
  /** Per job: its write endpoint and the `entity externalId` of each row it applied. */
  jobs: { path: string; rows: number; applied: string[] }[];
  /** `entity externalId` → the title the catalog holds. */
  entries: [string, string][];
}

const entityKey = (entity: string, externalId: string) => `${entity} ${externalId}`;

export function catalogRecordsOf(mock: Mock): CatalogRecords {
  return {
    jobs: mock.catalogJobs().map((job) => ({
      path: `/api/catalog-${job.entity}-bulk-${job.kind}-jobs`,
      rows: job.totalCount,
      applied: job.rows
        .filter((row) => row.outcome === 'applied')
        .map((row) => {
          const attributes = (row.row.attributes ?? {}) as { external_id?: unknown };
          const id = typeof row.row.id === 'string' ? row.row.id : String(attributes.external_id);
          return entityKey(job.entity, id.replace(/^\$custom:::\$default:::/, ''));
        }),
    })),
    entries: mock.catalog().map((e) => {
      const title = e.attributes.title;
      return [entityKey(e.entity, e.externalId), typeof title === 'string' ? title : ''] as [string, string];
    }),
  };
}

const productId = (n: number) => `bench-product-${n}`;
const variantId = (n: number, v: number) => `bench-product-${n}-v${v}`;
const productTitle = (n: number) => `Bench product ${n}, updated`;
const variantTitle = (n: number, v: number) => `Bench product ${n}, variant ${v}, updated`;

/** One product update as a product webhook yields it: its item row, then a row per variant. */
export function productRows(n: number, variantsPer: number): KlaviyoCatalogV1[] {
  const trace = (row: string) => ({
    version: 1,
    correlation_id: `bench:catalog:${n}`,
    source: 'bench',
    delivery_id: `catalog:${n}:${row}`,
  });
  const asOf = new Date(Date.UTC(2026, 11, 1, 10) + n * 1_000).toISOString();
  const url = `https://shop.example.com/products/${n}`;
  const item = klaviyoCatalogV1Schema().parse({
    type: 'klaviyo.catalog',
    ...trace('item'),
    entity: 'item',
    operation: 'upsert',
    external_id: productId(n),
    fields: { title: productTitle(n), description: 'A product of the benchmark.', url, price: 19.99 },
    as_of: asOf,
  });
  const variants = Array.from({ length: variantsPer }, (_, v) =>
    klaviyoCatalogV1Schema().parse({
      type: 'klaviyo.catalog',
      ...trace(`variant-${v}`),
      entity: 'variant',
      operation: 'upsert',
      external_id: variantId(n, v),
      fields: {
        item: productId(n),
        title: variantTitle(n, v),
        description: 'A variant of the benchmark.',
        sku: `BENCH-${n}-${v}`,
        inventory_quantity: (n + v) % 50,
        inventory_policy: 1,
        price: 19.99,
        url,
      },
      as_of: asOf,
    }),
  );
  return [item, ...variants];
}

/** The backlog: events and products interleaved evenly, each product's rows together. */
export function catalogBacklog(
  counts: CatalogCounts,
  event: (n: number) => DeliverMessage,
): DeliverMessage[] {
  const kinds: { count: number; make: (n: number) => DeliverMessage[] }[] = [
    { count: counts.events, make: (n) => [event(n)] },
    { count: counts.products, make: (n) => productRows(n, counts.variantsPer) },
  ];
  const placed = kinds.flatMap(({ count, make }) =>
    Array.from({ length: count }, (_, n) => ({ at: (n + 0.5) / count, n, make })),
  );
  return placed.sort((a, b) => a.at - b.at).flatMap(({ n, make }) => make(n));
}

export interface CatalogWriteFigures {
  endpoint: string;
  jobs: number;
  rowsSent: number;
  rowsApplied: number;
  /** Applied rows a minute (Klaviyo time) while the endpoint was busy. */
  rowsPerMinute: number;
  /** What its job limit allows: jobs a minute × rows a job. */
  allowedRowsPerMinute: number;
}

export interface CatalogFigures {
  writes: CatalogWriteFigures[];
  /** The job reads, each against its own limit (EndpointFigures of deliver-mix.ts). */
  reads: EndpointFigures[];
  /** Create Event and any other non-catalog endpoint. */
  others: EndpointFigures[];
  /** Distinct catalog rows applied a minute from the first catalog request to the last (Klaviyo time). */
  catalogRowsPerMinute: number;
  requests: number;
  throttled: number;
  lost: { events: number; rows: number };
  twice: { events: number; rows: number };
}

export function catalogFigures(
  records: MixRecords,
  catalog: CatalogRecords,
  counts: CatalogCounts,
  timeScale: number,
): CatalogFigures {
  const mix = mixFigures(records, { events: counts.events, profiles: 0, subscriptions: 0 }, timeScale);
  const isCatalog = (endpoint: string) => endpoint.startsWith('/api/catalog-');
  const isRead = (endpoint: string) => endpoint.endsWith('/{job_id}');
  const writes = mix.endpoints
    .filter((e) => isCatalog(e.endpoint) && !isRead(e.endpoint))
    .map((e) => {
      const jobs = catalog.jobs.filter((job) => job.path === e.endpoint);
      const rowsApplied = jobs.reduce((sum, job) => sum + job.applied.length, 0);
      return {
        endpoint: e.endpoint,
        jobs: jobs.length,
        rowsSent: jobs.reduce((sum, job) => sum + job.rows, 0),
        rowsApplied,
        rowsPerMinute: (rowsApplied / e.seconds) * 60 * (1 / timeScale),
        allowedRowsPerMinute: (PUBLISHED_LIMITS[e.endpoint]?.steady ?? Number.NaN) * CATALOG_JOB_MAX_ROWS,
      };
    });

  const catalogTimes = records.requests
    .filter((r) => r.path.startsWith('/api/catalog-'))
    .map((r) => Date.parse(r.at));
  const catalogSeconds =
    catalogTimes.length === 0
      ? 0.001
      : Math.max(0.001, (Math.max(...catalogTimes) - Math.min(...catalogTimes)) / 1_000);
  const applied = catalog.jobs.flatMap((job) => job.applied);
  const distinctApplied = new Set(applied);

  const expected: [string, string][] = Array.from({ length: counts.products }, (_, n) => [
    [entityKey('item', productId(n)), productTitle(n)] as [string, string],
    ...Array.from(
      { length: counts.variantsPer },
      (_, v) => [entityKey('variant', variantId(n, v)), variantTitle(n, v)] as [string, string],
    ),
  ]).flat();
  const held = new Map(catalog.entries);
  return {
    writes,
    reads: mix.endpoints.filter((e) => isCatalog(e.endpoint) && isRead(e.endpoint)),
    others: mix.endpoints.filter((e) => !isCatalog(e.endpoint)),
    catalogRowsPerMinute: (distinctApplied.size / catalogSeconds) * 60 * (1 / timeScale),
    requests: records.requests.length,
    throttled: records.requests.filter((r) => r.status === 429).length,
    // A row is lost unless the catalog holds it with the backlog's data.
    lost: {
      events: mix.lost.events,
      rows: expected.filter(([key, title]) => held.get(key) !== title).length,
    },
    twice: { events: mix.twice.events, rows: applied.length - distinctApplied.size },
  };
}

export function reportCatalog(
  figures: CatalogFigures & { deferred: number },
  wallSeconds: number,
  timeScale: number,
): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = [`catalog: drained in ${wallSeconds.toFixed(1)} s wall time (time scale ${timeScale})`];
  const sorted = <T extends { endpoint: string }>(list: T[]) =>
    [...list].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
  for (const w of sorted(figures.writes))
    lines.push(
      `  ${w.endpoint}: ${w.jobs} jobs, ${w.rowsSent} rows sent, ${w.rowsApplied} applied; ` +
        `${n(w.rowsPerMinute)} rows/min of ${n(w.allowedRowsPerMinute)}/min → ${pct(w.rowsPerMinute / w.allowedRowsPerMinute)}`,
    );
  for (const e of sorted([...figures.reads, ...figures.others]))
    lines.push(
      `  ${e.endpoint}: ${e.requests} requests over ${(e.seconds * timeScale).toFixed(1)} s Klaviyo time, ` +
        `${e.perMinute.toFixed(1)}/min of ${e.limitPerMinute}/min → ${pct(e.perMinute / e.limitPerMinute)}; ` +
        `${e.throttled} answered 429`,
    );
  lines.push(
    `  catalog rows applied: ${n(figures.catalogRowsPerMinute)}/min in Klaviyo time while catalog jobs ran`,
    `  ${figures.requests} requests, ${figures.throttled} answered 429 (${pct(figures.throttled / Math.max(1, figures.requests))})`,
    `  lost: ${figures.lost.events} events, ${figures.lost.rows} catalog rows; ` +
      `written twice: ${figures.twice.events} events, ${figures.twice.rows} catalog rows`,
    `  deferred (put back on the queue for budget): ${figures.deferred}`,
  );
  return lines.join('\n');
}

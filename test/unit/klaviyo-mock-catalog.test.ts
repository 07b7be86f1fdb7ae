// The Klaviyo mock's catalog: bulk create, update and delete jobs of items, variants and categories, checked
// against the project's contract (a bad body is refused whole, with a pointer), run asynchronously and read back
// by GET with the errors of refused rows (create of an id that exists, update or delete of one that does not, a
// variant of a missing item), the 500-jobs-in-progress cap, and the published rate limits of jobs and reads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadKlaviyoContract, startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { callMock as call, onlyError } from '../helpers/klaviyo-mock-calls.ts';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const contract = loadKlaviyoContract();
const ID = (externalId: string) => `$custom:::$default:::${externalId}`;

const itemRow = (externalId: string, title = `Shirt ${externalId}`) => ({
  type: 'catalog-item',
  attributes: {
    external_id: externalId,
    title,
    description: 'Blue',
    url: `https://shop.example.com/p/${externalId}`,
    price: 25,
  },
});
const variantRow = (externalId: string, item: string) => ({
  type: 'catalog-variant',
  attributes: {
    external_id: externalId,
    title: 'Shirt M',
    description: 'Blue, M',
    sku: `SKU-${externalId}`,
    inventory_quantity: 2,
    price: 25,
    url: `https://shop.example.com/p/${item}`,
  },
  relationships: { item: { data: { type: 'catalog-item', id: ID(item) } } },
});
const job = (type: string, member: string, rows: unknown[]) => ({
  data: { type, attributes: { [member]: { data: rows } } },
});
const createItems = (rows: unknown[]) => job('catalog-item-bulk-create-job', 'items', rows);
const updateItems = (rows: unknown[]) => job('catalog-item-bulk-update-job', 'items', rows);
const deleteItems = (ids: string[]) =>
  job(
    'catalog-item-bulk-delete-job',
    'items',
    ids.map((id) => ({ type: 'catalog-item', id: ID(id) })),
  );

interface JobDocument {
  data: {
    id: string;
    attributes: {
      status: string;
      total_count: number;
      failed_count: number;
      errors: { code: string; detail: string; source: { pointer: string } }[];
    };
  };
}

describe('Klaviyo mock: catalog jobs completed at once (default)', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => NOW });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('creates, updates and deletes items, and reads each job back with its refused rows', async () => {
    const created = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-create-jobs',
      createItems([itemRow('a'), itemRow('b')]),
    );
    expect(created.status).toBe(202);
    expect(contract.operations.bulk_create_catalog_items.validateResponse(created.json)).toBeNull();
    const id = (created.json as JobDocument).data.id;
    const read = await call(mock, 'GET', `/api/catalog-item-bulk-create-jobs/${id}`);
    expect(read.status).toBe(200);
    expect(contract.operations.get_bulk_create_catalog_items_job.validateResponse(read.json)).toBeNull();
    expect((read.json as JobDocument).data.attributes).toMatchObject({
      status: 'complete',
      failed_count: 0,
      errors: [],
    });
    expect(mock.catalog().map((e) => [e.entity, e.id, e.attributes.title])).toEqual([
      ['item', ID('a'), 'Shirt a'],
      ['item', ID('b'), 'Shirt b'],
    ]);

    // Create of an id that exists, update of one that does not: refused rows, the others applied.
    const again = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-create-jobs',
      createItems([itemRow('c'), itemRow('a')]),
    );
    const againRead = await call(
      mock,
      'GET',
      `/api/catalog-item-bulk-create-jobs/${(again.json as JobDocument).data.id}`,
    );
    expect((againRead.json as JobDocument).data.attributes).toMatchObject({
      status: 'complete',
      total_count: 2,
      failed_count: 1,
      errors: [
        {
          code: 'conflict',
          detail: `A catalog item with id '${ID('a')}' already exists.`,
          source: { pointer: '/data/attributes/items/data/1' },
        },
      ],
    });
    const update = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-update-jobs',
      updateItems([
        { type: 'catalog-item', id: ID('missing'), attributes: { title: 'X' } },
        { type: 'catalog-item', id: ID('b'), attributes: { title: 'Shirt B2', price: null } },
      ]),
    );
    const updateRead = await call(
      mock,
      'GET',
      `/api/catalog-item-bulk-update-jobs/${(update.json as JobDocument).data.id}`,
    );
    expect(
      contract.operations.get_bulk_update_catalog_items_job.validateResponse(updateRead.json),
    ).toBeNull();
    expect((updateRead.json as JobDocument).data.attributes.errors).toEqual([
      expect.objectContaining({
        code: 'not_found',
        detail: `A catalog item with id '${ID('missing')}' does not exist.`,
        source: { pointer: '/data/attributes/items/data/0' },
      }),
    ]);
    expect(mock.catalog().find((e) => e.id === ID('b'))?.attributes).toMatchObject({
      title: 'Shirt B2',
      price: null,
    });

    const removed = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-delete-jobs',
      deleteItems(['a', 'gone']),
    );
    const removedRead = await call(
      mock,
      'GET',
      `/api/catalog-item-bulk-delete-jobs/${(removed.json as JobDocument).data.id}`,
    );
    expect((removedRead.json as JobDocument).data.attributes.failed_count).toBe(1);
    expect(mock.catalog().map((e) => e.externalId)).toEqual(['b', 'c']);
    const inspected = await fetch(`${mock.url}/_mock/catalog`);
    expect(await inspected.json()).toEqual({ count: 2, catalog: mock.catalog() });
    expect(mock.catalogJobs().map((j) => [j.entity, j.kind, j.failedCount])).toEqual([
      ['item', 'create', 0],
      ['item', 'create', 1],
      ['item', 'update', 1],
      ['item', 'delete', 1],
    ]);
  });

  it('refuses a variant of an item that does not exist, and keeps one of an item that does', async () => {
    await call(mock, 'POST', '/api/catalog-item-bulk-create-jobs', createItems([itemRow('shirt')]));
    const variants = await call(
      mock,
      'POST',
      '/api/catalog-variant-bulk-create-jobs',
      job('catalog-variant-bulk-create-job', 'variants', [
        variantRow('v1', 'shirt'),
        variantRow('v2', 'nope'),
      ]),
    );
    const read = await call(
      mock,
      'GET',
      `/api/catalog-variant-bulk-create-jobs/${(variants.json as JobDocument).data.id}`,
    );
    expect((read.json as JobDocument).data.attributes.errors).toEqual([
      expect.objectContaining({
        code: 'not_found',
        source: { pointer: '/data/attributes/variants/data/1/relationships/item/data/id' },
      }),
    ]);
    expect(
      mock
        .catalog()
        .filter((e) => e.entity === 'variant')
        .map((e) => [e.externalId, e.related]),
    ).toEqual([['v1', [ID('shirt')]]]);
  });

  it('refuses a row whose custom metadata exceeds 100 KB', async () => {
    const big = itemRow('big');
    const row = {
      ...big,
      attributes: { ...big.attributes, custom_metadata: { notes: 'x'.repeat(103_000) } },
    };
    const created = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-create-jobs',
      createItems([itemRow('ok'), row]),
    );
    const read = await call(
      mock,
      'GET',
      `/api/catalog-item-bulk-create-jobs/${(created.json as JobDocument).data.id}`,
    );
    expect((read.json as JobDocument).data.attributes.errors).toEqual([
      expect.objectContaining({
        code: 'invalid',
        source: { pointer: '/data/attributes/items/data/1/attributes/custom_metadata' },
      }),
    ]);
    expect(mock.catalog().map((e) => e.externalId)).toEqual(['ok']);
  });

  it('refuses a body its contract refuses, whole, naming the field', async () => {
    const noTitle = createItems([
      itemRow('a'),
      { type: 'catalog-item', attributes: { external_id: 'b', description: '', url: 'u' } },
    ]);
    const reply = await call(mock, 'POST', '/api/catalog-item-bulk-create-jobs', noTitle);
    expect(reply.status).toBe(400);
    expect(onlyError(reply).source.pointer).toBe('/data/attributes/items/data/1/attributes/title');
    const tooMany = createItems(Array.from({ length: 101 }, (_, i) => itemRow(`x${i}`)));
    const refused = await call(mock, 'POST', '/api/catalog-item-bulk-create-jobs', tooMany);
    expect(refused.status).toBe(400);
    expect(onlyError(refused).source.pointer).toBe('/data/attributes/items/data');
    expect(mock.catalogJobs()).toEqual([]);
  });

  it('answers 404 for a job it does not know', async () => {
    expect((await call(mock, 'GET', '/api/catalog-category-bulk-delete-jobs/NOPE')).status).toBe(404);
  });
});

describe('Klaviyo mock: catalog jobs that take time', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => NOW, catalogJobs: { processingReads: 2 }, limits: 'off' });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('answers processing until the job is due, and applies its rows only then', async () => {
    const created = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-create-jobs',
      createItems([itemRow('a')]),
    );
    expect((created.json as JobDocument).data.attributes.status).toBe('queued');
    const path = `/api/catalog-item-bulk-create-jobs/${(created.json as JobDocument).data.id}`;
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(((await call(mock, 'GET', path)).json as JobDocument).data.attributes.status);
    expect(statuses).toEqual(['processing', 'processing', 'complete']);
    expect(mock.catalog()).toHaveLength(1);
  });

  it('refuses a job with 429 while 500 are in progress, and takes one again when one completes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) {
      const reply = await call(
        mock,
        'POST',
        '/api/catalog-category-bulk-delete-jobs',
        job('catalog-category-bulk-delete-job', 'categories', [
          { type: 'catalog-category', id: ID(`c${i}`) },
        ]),
      );
      expect(reply.status).toBe(202);
      ids.push((reply.json as JobDocument).data.id);
    }
    const refused = await call(
      mock,
      'POST',
      '/api/catalog-item-bulk-create-jobs',
      createItems([itemRow('a')]),
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    for (let i = 0; i < 3; i++) await call(mock, 'GET', `/api/catalog-category-bulk-delete-jobs/${ids[0]}`);
    expect(
      (await call(mock, 'POST', '/api/catalog-item-bulk-create-jobs', createItems([itemRow('a')]))).status,
    ).toBe(202);
  });
});

describe('Klaviyo mock: catalog rate limits', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => NOW });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('has the published limits: 75/s for a job endpoint, and each read its own (350/s for a delete job read)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 76; i++)
      statuses.push(
        (await call(mock, 'POST', '/api/catalog-item-bulk-delete-jobs', deleteItems([`x${i}`]))).status,
      );
    expect(statuses.filter((s) => s === 202)).toHaveLength(75);
    expect(statuses.at(-1)).toBe(429);
    // Another endpoint's budget is untouched; the delete jobs' read has 350/s.
    expect((await call(mock, 'POST', '/api/catalog-item-bulk-update-jobs', updateItems([]))).status).toBe(
      202,
    );
    const reads: number[] = [];
    for (let i = 0; i < 351; i++)
      reads.push((await call(mock, 'GET', '/api/catalog-item-bulk-delete-jobs/NOPE')).status);
    expect(reads.filter((s) => s === 404)).toHaveLength(350);
    expect(reads.at(-1)).toBe(429);
  });
});

// Bulk catalog jobs: every body the relay builds (create, update, delete of items, variants and categories)
// against the project's own contract always, and against Klaviyo's published operation file when it is at hand;
// the packing limits (100 rows, 5 MB); how a row error names the message behind its row; and the stage
// contract's refusals of catalog messages that Klaviyo could not take.
import { describe, expect, it } from 'vitest';
import {
  CATALOG_JOB_MAX_ROWS,
  catalogRowOfError,
  planCatalogJobs,
  type CatalogItem,
} from '../../functions/deliver/catalog-plan.ts';
import { catalogId, catalogRowOf, type CatalogJobKind } from '../../functions/deliver/catalog-requests.ts';
import { PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import { klaviyoCatalogV1Schema, type CatalogEntity } from '../../functions/shared/stage/contracts.ts';
import {
  loadKlaviyoContract,
  startKlaviyoMock,
  type KlaviyoOperationId,
} from '../../local/klaviyo-mock/index.ts';
import { callMock } from '../helpers/klaviyo-mock-calls.ts';
import { loadOpenApiOperations, openApiSource } from '../helpers/klaviyo-openapi.ts';
import { at, catalogDelete, categoryUpsert, itemUpsert, variantUpsert } from '../helpers/catalog-messages.ts';

const NOUN = { item: 'items', variant: 'variants', category: 'categories' } as const;
const operationOf = (entity: CatalogEntity, kind: CatalogJobKind) =>
  `bulk_${kind}_catalog_${NOUN[entity]}` as KlaviyoOperationId;

const messageOf = (entity: CatalogEntity, i: number, kind: CatalogJobKind) => {
  if (kind === 'delete') return catalogDelete(entity, `e-${i}`);
  if (entity === 'item') return itemUpsert(`e-${i}`, at(10), { categories: ['c-1', 'c-2'], published: true });
  if (entity === 'variant')
    return variantUpsert(`e-${i}`, 'shirt', at(10), { images: ['https://cdn.example.com/1.png'] });
  return categoryUpsert(`e-${i}`, at(10), { items: ['shirt'] });
};
const itemsOf = (entity: CatalogEntity, kind: CatalogJobKind, n: number): CatalogItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `m${i}`, message: messageOf(entity, i, kind) }));

const cases = (['item', 'variant', 'category'] as const).flatMap((entity) =>
  (['create', 'update', 'delete'] as const).map((kind) => [entity, kind] as const),
);

describe('the bulk catalog job bodies', () => {
  const contract = loadKlaviyoContract();
  it.each(cases)("a full %s %s job satisfies the project's contract", (entity, kind) => {
    const [job, ...more] = planCatalogJobs(entity, kind, itemsOf(entity, kind, CATALOG_JOB_MAX_ROWS));
    expect(more).toEqual([]);
    expect(job?.path).toBe(contract.operations[operationOf(entity, kind)].path);
    expect(contract.operations[operationOf(entity, kind)].validateBody(job?.body)).toBeNull();
  });

  it("refuses a job of 101 rows (the contract's limit), which the plan never builds", () => {
    const [job] = planCatalogJobs('item', 'update', itemsOf('item', 'update', 100));
    const rows = (job?.body.data.attributes as { items: { data: unknown[] } }).items.data;
    rows.push(rows[0]);
    expect(contract.operations.bulk_update_catalog_items.validateBody(job?.body)?.pointer).toBe(
      '/data/attributes/items/data',
    );
  });

  const source = openApiSource();
  describe.runIf(source.present)("against Klaviyo's operation files", () => {
    let loaded: ReturnType<typeof loadOpenApiOperations> | undefined;
    const klaviyo = () => (loaded ??= loadOpenApiOperations(source.dir));
    it.each(cases)('a %s %s job satisfies Klaviyo', (entity, kind) => {
      const [job] = planCatalogJobs(entity, kind, itemsOf(entity, kind, 3));
      expect(klaviyo()[operationOf(entity, kind)].validateBody(job?.body)).toBeNull();
    });

    it("the mock's answers to every job and its read satisfy Klaviyo's documents and ours", async () => {
      const mock = await startKlaviyoMock({ limits: 'off' });
      const pascal = (word: string) => `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}`;
      try {
        for (const [entity, kind] of cases) {
          // Rows the mock refuses too (nothing exists yet for updates and deletes): errors in the document.
          const [job] = planCatalogJobs(entity, kind, itemsOf(entity, kind, 3));
          const created = await callMock(mock, 'POST', job?.path ?? '', job?.body);
          expect(created.status).toBe(202);
          const name = `Catalog${pascal(entity)}${pascal(kind)}Job`;
          const operation = operationOf(entity, kind);
          expect(klaviyo()[operation].validateComponent(`Post${name}Response`, created.json)).toBeNull();
          expect(contract.operations[operation].validateResponse(created.json)).toBeNull();
          const id = (created.json as { data: { id: string } }).data.id;
          const read = await callMock(mock, 'GET', `${job?.path ?? ''}/${id}`);
          const readOperation = Object.values(contract.operations).find(
            (op) => op.method === 'GET' && op.path === `${job?.path ?? ''}/{job_id}`,
          );
          const document = `Get${name}Response${kind === 'delete' ? '' : 'CompoundDocument'}`;
          expect(
            readOperation && klaviyo()[readOperation.operationId].validateComponent(document, read.json),
          ).toBeNull();
          expect(readOperation?.validateResponse(read.json)).toBeNull();
        }
      } finally {
        await mock.close();
      }
    });
  });

  it('names rows by Klaviyo id: a create carries the external id, an update and a delete the id', () => {
    const message = variantUpsert('v-1', 'shirt');
    expect(catalogRowOf(message, 'create')).toMatchObject({
      type: 'catalog-variant',
      attributes: {
        external_id: 'v-1',
        integration_type: '$custom',
        catalog_type: '$default',
        sku: 'SKU-v-1',
      },
      relationships: { item: { data: { type: 'catalog-item', id: '$custom:::$default:::shirt' } } },
    });
    const update = catalogRowOf(message, 'update');
    expect(update).toMatchObject({ type: 'catalog-variant', id: '$custom:::$default:::v-1' });
    // Klaviyo's variant update takes no item: a variant does not move.
    expect(update).not.toHaveProperty('relationships');
    expect(update).not.toHaveProperty('attributes.item');
    expect(catalogRowOf(catalogDelete('category', 'c-1'), 'delete')).toEqual({
      type: 'catalog-category',
      id: '$custom:::$default:::c-1',
    });
  });
});

describe('packing catalog jobs', () => {
  it('cuts at 100 rows, in arrival order', () => {
    const jobs = planCatalogJobs('item', 'update', itemsOf('item', 'update', 250));
    expect(jobs.map((j) => j.items.length)).toEqual([100, 100, 50]);
    expect(jobs[1]?.items[0]?.id).toBe('m100');
  });

  it('cuts at the byte limit', () => {
    const big = (i: number): CatalogItem => ({
      id: `m${i}`,
      message: itemUpsert(`e-${i}`, at(10), { description: 'x'.repeat(40_000) }),
    });
    const jobs = planCatalogJobs('item', 'create', [0, 1, 2, 3, 4].map(big), { maxBytes: 100_000 });
    expect(jobs.map((j) => j.items.length)).toEqual([2, 2, 1]);
  });
});

describe('which row a catalog job error names', () => {
  const [job] = planCatalogJobs('item', 'update', itemsOf('item', 'update', 3));
  if (!job) throw new Error('no job');
  it('by its pointer', () => {
    expect(catalogRowOfError(job, { source: { pointer: '/data/attributes/items/data/2/id' } })).toBe(2);
    expect(catalogRowOfError(job, { source: { pointer: '/data/attributes/items/data/7' } })).toBeUndefined();
  });
  it('else by the one row whose id its detail quotes', () => {
    expect(
      catalogRowOfError(job, { detail: `A catalog item with id '${catalogId('e-1')}' does not exist.` }),
    ).toBe(1);
    expect(
      catalogRowOfError(job, { detail: 'Something failed.', source: { pointer: '/data' } }),
    ).toBeUndefined();
  });
});

describe('the klaviyo.catalog message', () => {
  const parse = (fields: Record<string, unknown>) =>
    klaviyoCatalogV1Schema().safeParse({
      ...itemUpsert('e-1'),
      ...fields,
    });
  it('takes an upsert with what a create needs, and a delete without fields', () => {
    expect(parse({}).success).toBe(true);
    expect(klaviyoCatalogV1Schema().safeParse(catalogDelete('variant', 'v-1')).success).toBe(true);
  });
  it.each([
    ['an upsert without what Klaviyo needs to create it', { fields: { title: 'Shirt' } }],
    ['a delete with fields', { operation: 'delete' }],
    [
      "a field the entity does not take (an item's sku)",
      { fields: { ...itemUpsert('e-1').fields, sku: 'S' } },
    ],
    ['no version of the state', { as_of: undefined }],
    [
      'an inventory policy Klaviyo does not know',
      { entity: 'variant', fields: { ...variantUpsert('v', 'i').fields, inventory_policy: 3 } },
    ],
  ])('refuses %s', (_what, fields) => {
    expect(parse(fields).success).toBe(false);
  });
});

describe("deliver's budgets for the catalog endpoints", () => {
  const contract = loadKlaviyoContract();
  const catalogOperations = Object.values(contract.operations).filter((op) =>
    op.path.startsWith('/api/catalog-'),
  );
  it.each(catalogOperations.map((op) => [op.path, op.publishedLimit] as const))(
    '%s is paced on its published limit (a read on its path template)',
    (path, limit) => {
      expect(PUBLISHED_LIMITS[path]).toEqual(limit);
    },
  );
  it('covers every job and every read', () => {
    expect(catalogOperations).toHaveLength(18);
  });
});

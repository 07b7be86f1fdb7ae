// Catalog rows through deliverBatch, against the Klaviyo mock over HTTP with the real client: an upsert updates
// what exists and creates what Klaviyo answers as not found; deletes remove (one already gone counts as done);
// every job is read back on its read's own budget; refused rows are dead-lettered with Klaviyo's error and the
// row; writes are ordered per entity by `as_of` (an older one after a newer changes nothing, in one batch or
// across batches); a job not finished by the deadline is retried with its own reason; nothing is dropped.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_JOB_UNFINISHED } from '../../functions/deliver/catalog-jobs.ts';
import { catalogStateKey } from '../../functions/deliver/catalog-state.ts';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { CATALOG_UPSERT_RACED } from '../../functions/deliver/deliver-catalog.ts';
import {
  KlaviyoRejection,
  createKlaviyoClient,
  type KlaviyoClient,
  type KlaviyoReader,
} from '../../functions/deliver/klaviyo-client.ts';
import type { StateVersions } from '../../functions/deliver/state-versions.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import type { RetryableError } from '../../functions/shared/stage/errors.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { at, catalogDelete, categoryUpsert, itemUpsert, variantUpsert } from '../helpers/catalog-messages.ts';
import { fakeClock, recordsOf } from '../helpers/fake-profile-jobs.ts';
import { callMock } from '../helpers/klaviyo-mock-calls.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

const ID = (externalId: string) => `$custom:::$default:::${externalId}`;

/** The relay's state store, in memory: the newest `as_of` per key, as the DynamoDB one keeps it. */
function memoryStateVersions(): StateVersions & { held: Map<string, number> } {
  const held = new Map<string, number>();
  return {
    held,
    advance(keys, version) {
      if (!(version instanceof Date)) throw new Error('catalog writes are versioned by time');
      const t = version.getTime();
      if (keys.some((k) => (held.get(k) ?? -Infinity) > t)) return Promise.resolve('stale');
      for (const k of keys) held.set(k, t);
      return Promise.resolve('newest');
    },
  };
}

interface Call {
  method: string;
  path: string;
  budget?: string;
}

async function deliverTo(
  mock: KlaviyoMock,
  messages: DeliverMessage[],
  more: { stateVersions?: StateVersions; deadlineInMs?: number } = {},
) {
  const settings = klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, base_url: mock.url });
  const client = createKlaviyoClient({ settings, apiKey: () => Promise.resolve('pk_catalog') });
  const calls: Call[] = [];
  const klaviyo: KlaviyoClient & KlaviyoReader = {
    post: (path, body, options) => (calls.push({ method: 'POST', path }), client.post(path, body, options)),
    get: (path, options) => (
      calls.push({ method: 'GET', path, budget: options.budget }),
      client.get(path, options)
    ),
  };
  const clock = fakeClock();
  const counts: Record<string, number> = {};
  const outcomes = await deliverBatch(recordsOf(messages), {
    klaviyo,
    settings,
    counters: { count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
    log: createLogger('deliver'),
    deadline: clock.now() + (more.deadlineInMs ?? 60_000),
    stateVersions: more.stateVersions,
    now: clock.now,
    sleep: clock.sleep,
  });
  const kindOf = (i: number) => outcomes.get(`m${i}`)?.kind ?? 'none';
  return { outcomes, counts, calls, kindOf };
}

const entry = (mock: KlaviyoMock, entity: string, externalId: string) =>
  mock.catalog().find((e) => e.entity === entity && e.externalId === externalId);

describe('catalog rows through deliverBatch, against the mock', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ apiKey: 'pk_catalog' });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('creates what Klaviyo lacks (after an update answered not found), category → item → variant, reading every job back', async () => {
    const { counts, calls, kindOf } = await deliverTo(mock, [
      variantUpsert('shirt-m', 'shirt'),
      itemUpsert('shirt', at(10), { categories: ['tops'] }),
      categoryUpsert('tops'),
    ]);
    expect([0, 1, 2].map(kindOf)).toEqual(['done', 'done', 'done']);
    expect(counts.delivered).toBe(3);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/jobs\/\w+$/, 'jobs/ID')}`)).toEqual([
      'POST /api/catalog-category-bulk-update-jobs',
      'GET /api/catalog-category-bulk-update-jobs/ID',
      'POST /api/catalog-category-bulk-create-jobs',
      'GET /api/catalog-category-bulk-create-jobs/ID',
      'POST /api/catalog-item-bulk-update-jobs',
      'GET /api/catalog-item-bulk-update-jobs/ID',
      'POST /api/catalog-item-bulk-create-jobs',
      'GET /api/catalog-item-bulk-create-jobs/ID',
      'POST /api/catalog-variant-bulk-update-jobs',
      'GET /api/catalog-variant-bulk-update-jobs/ID',
      'POST /api/catalog-variant-bulk-create-jobs',
      'GET /api/catalog-variant-bulk-create-jobs/ID',
    ]);
    // Each read is paced on its endpoint's template, one budget for every job id.
    expect(calls.filter((c) => c.method === 'GET').map((c) => c.budget)).toContain(
      '/api/catalog-item-bulk-create-jobs/{job_id}',
    );
    expect(entry(mock, 'item', 'shirt')).toMatchObject({ id: ID('shirt'), related: [ID('tops')] });
    expect(entry(mock, 'variant', 'shirt-m')).toMatchObject({
      related: [ID('shirt')],
      attributes: { sku: 'SKU-shirt-m', inventory_quantity: 3, inventory_policy: 1 },
    });

    // The same product again: one update job, no create.
    const again = await deliverTo(mock, [itemUpsert('shirt', at(11), { title: 'Shirt v2', price: 30 })]);
    expect(again.kindOf(0)).toBe('done');
    expect(again.calls.map((c) => c.method + ' ' + c.path.split('/')[2])).toEqual([
      'POST catalog-item-bulk-update-jobs',
      'GET catalog-item-bulk-update-jobs',
    ]);
    expect(entry(mock, 'item', 'shirt')?.attributes).toMatchObject({ title: 'Shirt v2', price: 30 });
  });

  it('gathers many rows into full jobs of 100', async () => {
    const items = Array.from({ length: 150 }, (_, i) => itemUpsert(`p${i}`));
    const { counts, calls } = await deliverTo(mock, items);
    expect(counts.delivered).toBe(150);
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      '/api/catalog-item-bulk-update-jobs',
      '/api/catalog-item-bulk-update-jobs',
      '/api/catalog-item-bulk-create-jobs',
      '/api/catalog-item-bulk-create-jobs',
    ]);
    expect(mock.catalogJobs().map((j) => j.totalCount)).toEqual([100, 50, 100, 50]);
    expect(mock.catalog()).toHaveLength(150);
  });

  it("dead-letters a refused row with Klaviyo's error and the row, and delivers the others", async () => {
    const { outcomes, counts, kindOf } = await deliverTo(mock, [
      itemUpsert('shirt'),
      variantUpsert('orphan', 'no-such-item'),
      variantUpsert('fine', 'shirt'),
    ]);
    expect([0, 1, 2].map(kindOf)).toEqual(['done', 'dead-letter', 'done']);
    expect(counts.delivered).toBe(2);
    const letter = outcomes.get('m1');
    const error = letter?.kind === 'dead-letter' ? letter.error : undefined;
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('klaviyo_catalog_error');
    expect(error?.message).toContain(
      `The catalog item '${ID('no-such-item')}' of this variant does not exist.`,
    );
    // The update's not-found that led to the create is named too.
    expect(error?.message).toContain('catalog-variant-bulk-update-jobs');
    expect((error as PermanentError).detail).toMatchObject({
      operation: '/api/catalog-variant-bulk-create-jobs',
      error: { code: 'not_found' },
      row: { type: 'catalog-variant', attributes: { external_id: 'orphan' } },
    });
    expect(entry(mock, 'variant', 'orphan')).toBeUndefined();
  });

  it('deletes, and counts a delete of what is already gone as done', async () => {
    await deliverTo(mock, [itemUpsert('shirt'), categoryUpsert('tops')]);
    const { kindOf, counts } = await deliverTo(mock, [
      catalogDelete('item', 'shirt', at(11)),
      catalogDelete('category', 'never-there', at(11)),
    ]);
    expect([0, 1].map(kindOf)).toEqual(['done', 'done']);
    expect(counts.delivered).toBe(2);
    expect(mock.catalog().map((e) => e.externalId)).toEqual(['tops']);
  });

  it('orders writes per entity by as_of: the newest in a batch wins, and an older one later changes nothing', async () => {
    const stateVersions = memoryStateVersions();
    const batch = await deliverTo(
      mock,
      [itemUpsert('shirt', at(12), { title: 'Noon' }), itemUpsert('shirt', at(9), { title: 'Morning' })],
      { stateVersions },
    );
    expect([0, 1].map(batch.kindOf)).toEqual(['done', 'done']);
    expect(batch.counts.stale_state_skipped).toBe(1);
    expect(mock.catalogJobs().flatMap((j) => j.rows)).toHaveLength(2); // one update (not found), one create
    expect(entry(mock, 'item', 'shirt')?.attributes.title).toBe('Noon');
    expect(stateVersions.held.get(catalogStateKey({ entity: 'item', external_id: 'shirt' }))).toBe(
      Date.parse(at(12)),
    );

    const late = await deliverTo(mock, [itemUpsert('shirt', at(11), { title: 'Late retry' })], {
      stateVersions,
    });
    expect(late.kindOf(0)).toBe('done');
    expect(late.counts.stale_state_skipped).toBe(1);
    expect(late.calls).toEqual([]);
    expect(entry(mock, 'item', 'shirt')?.attributes.title).toBe('Noon');

    // A delete older than the newest upsert is stale too; a newer one removes it.
    const oldDelete = await deliverTo(mock, [catalogDelete('item', 'shirt', at(8))], { stateVersions });
    expect(oldDelete.counts.stale_state_skipped).toBe(1);
    expect(entry(mock, 'item', 'shirt')).toBeDefined();
    await deliverTo(mock, [catalogDelete('item', 'shirt', at(13))], { stateVersions });
    expect(entry(mock, 'item', 'shirt')).toBeUndefined();
  });

  it('sends only the newest write of an entity in a batch, even without the state store', async () => {
    await deliverTo(mock, [itemUpsert('shirt', at(8))]);
    // Klaviyo does not promise to apply a job's rows in order: the older must not be in the job at all.
    const { kindOf, counts } = await deliverTo(mock, [
      itemUpsert('shirt', at(12), { title: 'Noon' }),
      itemUpsert('shirt', at(9), { title: 'Morning' }),
    ]);
    expect([0, 1].map(kindOf)).toEqual(['done', 'done']);
    expect(counts.stale_state_skipped).toBe(1);
    expect(mock.catalogJobs().at(-1)?.totalCount).toBe(1);
    expect(entry(mock, 'item', 'shirt')?.attributes.title).toBe('Noon');
  });

  it('keeps the state of items and variants apart: one external id, two entities', async () => {
    const stateVersions = memoryStateVersions();
    await deliverTo(mock, [itemUpsert('x', at(12))], { stateVersions });
    const { counts } = await deliverTo(mock, [variantUpsert('x', 'x', at(9))], { stateVersions });
    expect(counts.stale_state_skipped).toBeUndefined();
    expect(entry(mock, 'variant', 'x')).toBeDefined();
  });

  it('retries the rows of a job Klaviyo answered 5xx for, and loses none', async () => {
    mock.inject({ path: '/api/catalog-item-bulk-update-jobs', status: 503 });
    const { outcomes } = await deliverTo(mock, [itemUpsert('a'), itemUpsert('b')]);
    expect([...outcomes.values()].map((o) => o.kind)).toEqual(['retry', 'retry']);
    expect(mock.catalog()).toEqual([]);
  });

  it('dead-letters a delete whose job Klaviyo answered 404 (the endpoint, not the row, was not found)', async () => {
    mock.inject({ path: '/api/catalog-item-bulk-delete-jobs', status: 404, times: 3 });
    const { kindOf, counts } = await deliverTo(mock, [
      catalogDelete('item', 'a', at(11)),
      catalogDelete('item', 'b', at(11)),
    ]);
    expect([0, 1].map(kindOf)).toEqual(['dead-letter', 'dead-letter']);
    expect(counts.delivered).toBeUndefined();
  });

  it('sends each row of a job refused without naming a row again, in a job of its own', async () => {
    mock.inject({ path: '/api/catalog-item-bulk-update-jobs', status: 400 });
    // An injected 400 names no row: each row goes again alone, and gets its own verdict.
    const { kindOf, calls } = await deliverTo(mock, [itemUpsert('a'), itemUpsert('b')]);
    expect([0, 1].map(kindOf)).toEqual(['done', 'done']);
    expect(calls.filter((c) => c.path === '/api/catalog-item-bulk-update-jobs')).toHaveLength(3);
  });
});

describe('catalog jobs that do not finish in time', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({
      apiKey: 'pk_catalog',
      catalogJobs: { processingReads: 1_000 },
      limits: 'off',
    });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('retries the rows with their own reason when the deadline comes first, reading no further', async () => {
    const { outcomes, calls } = await deliverTo(mock, [itemUpsert('a'), itemUpsert('b')], {
      deadlineInMs: 20_000,
    });
    for (const outcome of outcomes.values()) {
      expect(outcome.kind).toBe('retry');
      const error = outcome.kind === 'retry' ? outcome.error : undefined;
      expect((error as RetryableError).reason).toBe(CATALOG_JOB_UNFINISHED);
    }
    // Waits of 1, 1, 2, 4, 8 s: the next 8 s wait would end past the 20 s deadline.
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(5);
  });

  it("does not hold a batch's events back while its catalog job runs", async () => {
    const before = mock.events().length;
    const { kindOf } = await deliverTo(mock, [eventFixture(1), itemUpsert('slow'), eventFixture(2)], {
      deadlineInMs: 5_000,
    });
    expect([0, 1, 2].map(kindOf)).toEqual(['done', 'retry', 'done']);
    expect(mock.events().length - before).toBe(2);
  });

  it("waits (a deferral, not a failure) while the account has Klaviyo's 500 jobs in progress", async () => {
    const auth = { Authorization: 'Klaviyo-API-Key pk_catalog' };
    for (let i = mock.catalogJobs().length; i < 500; i++)
      await callMock(
        mock,
        'POST',
        '/api/catalog-category-bulk-delete-jobs',
        {
          data: {
            type: 'catalog-category-bulk-delete-job',
            attributes: { categories: { data: [{ type: 'catalog-category', id: ID(`c${i}`) }] } },
          },
        },
        auth,
      );
    const { outcomes, counts } = await deliverTo(mock, [itemUpsert('a')]);
    const outcome = outcomes.get('m0');
    expect(outcome?.kind).toBe('retry');
    expect(outcome?.kind === 'retry' ? outcome.error : undefined).toMatchObject({
      name: 'DeferredError',
      reason: 'klaviyo_throttled',
    });
    expect(counts.throttled).toBe(1);
  });
});

describe('a create that another write beat', () => {
  it('is retried (the retry updates it), not dead-lettered', async () => {
    const mock = await startKlaviyoMock({ apiKey: 'pk_catalog' });
    try {
      // The update finds nothing; then, before the create, another writer creates the item.
      const settings = klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, base_url: mock.url });
      const client = createKlaviyoClient({ settings, apiKey: () => Promise.resolve('pk_catalog') });
      let raced = false;
      const racer: KlaviyoClient & KlaviyoReader = {
        async post(path, body, options) {
          if (path === '/api/catalog-item-bulk-create-jobs' && !raced) {
            raced = true;
            await client.post(path, body, options);
          }
          return client.post(path, body, options);
        },
        get: (path, options) => client.get(path, options),
      };
      const clock = fakeClock();
      const outcomes = await deliverBatch(recordsOf([itemUpsert('a')]), {
        klaviyo: racer,
        settings,
        counters: { count: () => undefined },
        log: createLogger('deliver'),
        deadline: clock.now() + 60_000,
        now: clock.now,
        sleep: clock.sleep,
      });
      const outcome = outcomes.get('m0');
      expect(outcome?.kind).toBe('retry');
      expect(outcome?.kind === 'retry' ? (outcome.error as RetryableError).reason : '').toBe(
        CATALOG_UPSERT_RACED,
      );
    } finally {
      await mock.close();
    }
  });
});

describe('a catalog job refused whole, naming a row', () => {
  it('dead-letters that row with the error, and sends the rest again in a new job', async () => {
    const mock = await startKlaviyoMock({ apiKey: 'pk_catalog' });
    try {
      const settings = klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, base_url: mock.url });
      const client = createKlaviyoClient({ settings, apiKey: () => Promise.resolve('pk_catalog') });
      const sent: number[] = [];
      const refusing: KlaviyoClient & KlaviyoReader = {
        post(path, body, options) {
          const rows = (body as { data: { attributes: { items: { data: unknown[] } } } }).data.attributes
            .items.data;
          sent.push(rows.length);
          if (sent.length === 1) {
            const errors = [
              {
                code: 'invalid',
                detail: 'Invalid URL.',
                source: { pointer: '/data/attributes/items/data/1/attributes/url' },
              },
            ];
            return Promise.reject(
              new KlaviyoRejection('POST answered 400: Invalid URL.', 'klaviyo_400', 400, errors, errors),
            );
          }
          return client.post(path, body, options);
        },
        get: (path, options) => client.get(path, options),
      };
      const clock = fakeClock();
      const outcomes = await deliverBatch(recordsOf([itemUpsert('a'), itemUpsert('b'), itemUpsert('c')]), {
        klaviyo: refusing,
        settings,
        counters: { count: () => undefined },
        log: createLogger('deliver'),
        deadline: clock.now() + 60_000,
        now: clock.now,
        sleep: clock.sleep,
      });
      expect(['m0', 'm1', 'm2'].map((id) => outcomes.get(id)?.kind)).toEqual(['done', 'dead-letter', 'done']);
      const letter = outcomes.get('m1');
      expect(letter?.kind === 'dead-letter' ? letter.error.message : '').toContain('Invalid URL.');
      expect(sent).toEqual([3, 2, 2]); // the job, the rest again (updates: not found), their creates
      expect(mock.catalog().map((e) => e.externalId)).toEqual(['a', 'c']);
    } finally {
      await mock.close();
    }
  });
});

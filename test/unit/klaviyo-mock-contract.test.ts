// The project's own Klaviyo contract (local/klaviyo-mock/contract/): the operations, their published and
// documented limits, and the request- and response-body validators (also usable on their own, e.g. to check
// the bodies deliver builds). Needs nothing outside the repository.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_DIR, describeErrors, loadKlaviyoContract } from '../../local/klaviyo-mock/contract.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('loadKlaviyoContract', () => {
  const contract = loadKlaviyoContract();

  it('reads each operation, its revision and its published limits', () => {
    const summary = Object.values(contract.operations).map((op) => [
      op.operationId,
      op.method,
      op.path,
      op.publishedLimit,
    ]);
    expect(summary).toEqual([
      ['create_event', 'POST', '/api/events', { burst: 350, steady: 3500 }],
      ['bulk_create_events', 'POST', '/api/event-bulk-create-jobs', { burst: 10, steady: 150 }],
      ['create_or_update_profile', 'POST', '/api/profile-import', { burst: 75, steady: 750 }],
      ['bulk_import_profiles', 'POST', '/api/profile-bulk-import-jobs', { burst: 10, steady: 150 }],
      [
        'get_bulk_import_profiles_job',
        'GET',
        '/api/profile-bulk-import-jobs/{job_id}',
        { burst: 10, steady: 150 },
      ],
      [
        'get_errors_for_bulk_import_profiles_job',
        'GET',
        '/api/profile-bulk-import-jobs/{id}/import-errors',
        { burst: 10, steady: 150 },
      ],
      [
        'bulk_subscribe_profiles',
        'POST',
        '/api/profile-subscription-bulk-create-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'bulk_unsubscribe_profiles',
        'POST',
        '/api/profile-subscription-bulk-delete-jobs',
        { burst: 75, steady: 750 },
      ],
      // The catalog's jobs (issue 21) and their reads, each read with its own published limit.
      ['bulk_create_catalog_items', 'POST', '/api/catalog-item-bulk-create-jobs', { burst: 75, steady: 750 }],
      ['bulk_update_catalog_items', 'POST', '/api/catalog-item-bulk-update-jobs', { burst: 75, steady: 750 }],
      ['bulk_delete_catalog_items', 'POST', '/api/catalog-item-bulk-delete-jobs', { burst: 75, steady: 750 }],
      [
        'bulk_create_catalog_variants',
        'POST',
        '/api/catalog-variant-bulk-create-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'bulk_update_catalog_variants',
        'POST',
        '/api/catalog-variant-bulk-update-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'bulk_delete_catalog_variants',
        'POST',
        '/api/catalog-variant-bulk-delete-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'bulk_create_catalog_categories',
        'POST',
        '/api/catalog-category-bulk-create-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'bulk_update_catalog_categories',
        'POST',
        '/api/catalog-category-bulk-update-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'bulk_delete_catalog_categories',
        'POST',
        '/api/catalog-category-bulk-delete-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'get_bulk_create_catalog_items_job',
        'GET',
        '/api/catalog-item-bulk-create-jobs/{job_id}',
        { burst: 75, steady: 750 },
      ],
      [
        'get_bulk_update_catalog_items_job',
        'GET',
        '/api/catalog-item-bulk-update-jobs/{job_id}',
        { burst: 75, steady: 750 },
      ],
      [
        'get_bulk_delete_catalog_items_job',
        'GET',
        '/api/catalog-item-bulk-delete-jobs/{job_id}',
        { burst: 350, steady: 3500 },
      ],
      [
        'get_bulk_create_variants_job',
        'GET',
        '/api/catalog-variant-bulk-create-jobs/{job_id}',
        { burst: 75, steady: 750 },
      ],
      [
        'get_bulk_update_variants_job',
        'GET',
        '/api/catalog-variant-bulk-update-jobs/{job_id}',
        { burst: 75, steady: 750 },
      ],
      [
        'get_bulk_delete_variants_job',
        'GET',
        '/api/catalog-variant-bulk-delete-jobs/{job_id}',
        { burst: 350, steady: 3500 },
      ],
      [
        'get_bulk_create_categories_job',
        'GET',
        '/api/catalog-category-bulk-create-jobs/{job_id}',
        { burst: 350, steady: 3500 },
      ],
      [
        'get_bulk_update_categories_job',
        'GET',
        '/api/catalog-category-bulk-update-jobs/{job_id}',
        { burst: 350, steady: 3500 },
      ],
      [
        'get_bulk_delete_categories_job',
        'GET',
        '/api/catalog-category-bulk-delete-jobs/{job_id}',
        { burst: 350, steady: 3500 },
      ],
      ['create_data_source', 'POST', '/api/data-sources', { burst: 3, steady: 60 }],
      [
        'bulk_create_data_source_records',
        'POST',
        '/api/data-source-record-bulk-create-jobs',
        { burst: 3, steady: 15 },
      ],
      [
        'create_data_source_record',
        'POST',
        '/api/data-source-record-create-jobs',
        { burst: 75, steady: 750 },
      ],
      [
        'create_back_in_stock_subscription',
        'POST',
        '/api/back-in-stock-subscriptions',
        { burst: 350, steady: 3500 },
      ],
    ]);
    for (const op of Object.values(contract.operations))
      expect(op.revision, op.operationId).toBe('2026-07-15');
    expect(contract.operations.create_or_update_profile.success).toEqual([200, 201]);
  });

  it("carries Klaviyo's documented payload, string and per-request limits", () => {
    const CATALOG_JOB_LIMITS = { maxBodyBytes: 5 * 1024 * 1024, maxJobsInProgress: 500 };
    const limits = Object.fromEntries(
      Object.values(contract.operations).map((op) => [op.operationId, op.limits]),
    );
    expect(limits).toEqual({
      create_event: { maxBodyBytes: 5 * 1024 * 1024, maxStringBytes: 100 * 1024 },
      bulk_create_events: {
        maxBodyBytes: 5 * 1024 * 1024,
        maxStringBytes: 100 * 1024,
        maxEventsPerRequest: 1000,
      },
      create_or_update_profile: { maxBodyBytes: 100 * 1024 },
      bulk_import_profiles: { maxBodyBytes: 5 * 1024 * 1024, maxProfileBytes: 100 * 1024 },
      // Klaviyo states no payload size for these; the profiles per job are schema limits (maxItems).
      get_bulk_import_profiles_job: {},
      get_errors_for_bulk_import_profiles_job: {},
      bulk_subscribe_profiles: {},
      bulk_unsubscribe_profiles: {},
      // 100 rows a job are schema limits (maxItems); 5 MB and 500 jobs in progress are stated in prose.
      bulk_create_catalog_items: CATALOG_JOB_LIMITS,
      bulk_update_catalog_items: CATALOG_JOB_LIMITS,
      bulk_delete_catalog_items: CATALOG_JOB_LIMITS,
      bulk_create_catalog_variants: CATALOG_JOB_LIMITS,
      bulk_update_catalog_variants: CATALOG_JOB_LIMITS,
      bulk_delete_catalog_variants: CATALOG_JOB_LIMITS,
      bulk_create_catalog_categories: CATALOG_JOB_LIMITS,
      bulk_update_catalog_categories: CATALOG_JOB_LIMITS,
      bulk_delete_catalog_categories: CATALOG_JOB_LIMITS,
      get_bulk_create_catalog_items_job: {},
      get_bulk_update_catalog_items_job: {},
      get_bulk_delete_catalog_items_job: {},
      get_bulk_create_variants_job: {},
      get_bulk_update_variants_job: {},
      get_bulk_delete_variants_job: {},
      get_bulk_create_categories_job: {},
      get_bulk_update_categories_job: {},
      get_bulk_delete_categories_job: {},
      create_data_source: {},
      // 500 records a job is a schema limit (maxItems); 512 KB a record is checked by the mock.
      bulk_create_data_source_records: { maxBodyBytes: 4 * 1024 * 1024, maxRecordBytes: 512 * 1024 },
      create_data_source_record: { maxRecordBytes: 512 * 1024 },
      create_back_in_stock_subscription: {},
    });
  });

  it('lives in the repository, and says which revision each file describes', () => {
    expect(path.relative(repoRoot, CONTRACT_DIR)).toBe(path.join('local', 'klaviyo-mock', 'contract'));
    expect(contract.dir).toBe(CONTRACT_DIR);
    for (const op of Object.values(contract.operations)) {
      const header = (
        JSON.parse(readFileSync(path.join(CONTRACT_DIR, `${op.operationId}.json`), 'utf8')) as {
          $comment: string;
        }
      ).$comment;
      expect(header, op.operationId).toMatch(/^Klaviyo API revision 2026-07-15, /);
    }
    expect(() => loadKlaviyoContract('/nonexistent/contract')).toThrow(/create_event\.json/);
  });

  it('validates request bodies of every operation', () => {
    const profile = {
      type: 'profile',
      attributes: { email: 'a@example.com', location: { latitude: '40.7' } },
    };
    expect(contract.operations.create_or_update_profile.validateBody({ data: profile })).toBeNull();
    expect(
      contract.operations.bulk_import_profiles.validateBody({
        data: { type: 'profile-bulk-import-job', attributes: { profiles: { data: [profile] } } },
      }),
    ).toBeNull();
    for (const op of Object.values(contract.operations)) {
      if (op.method === 'GET') {
        // A read takes no body.
        expect(op.validateBody(undefined), op.operationId).toBeNull();
        expect(op.validateBody({}), op.operationId).toEqual({
          pointer: '',
          detail: `${op.operationId} takes no body.`,
        });
      } else
        expect(op.validateBody({}), op.operationId).toEqual({
          pointer: '/data',
          detail: "'data' is a required field.",
        });
    }
  });

  it('words errors with the most specific pointer', () => {
    const issue = contract.operations.create_or_update_profile.validateBody({
      data: { type: 'profile', attributes: { location: { latitude: { deg: 40 } } } },
    });
    expect(issue).toEqual({
      pointer: '/data/attributes/location/latitude',
      detail: "'latitude' must be of type string or number or null, not object.",
    });
    expect(contract.operations.create_event.validateBody([])?.pointer).toBe('/data');
    expect(describeErrors([], {})).toEqual({ pointer: '/data', detail: 'The request body is invalid.' });
  });

  it('enforces the limits Klaviyo documents for fields, and words them', () => {
    const event = (name: string, properties: Record<string, unknown>) => ({
      data: {
        type: 'event',
        attributes: {
          properties,
          metric: { data: { type: 'metric', attributes: { name } } },
          profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } },
        },
      },
    });
    const validate = (body: unknown) => contract.operations.create_event.validateBody(body);
    expect(validate(event('é'.repeat(127), {}))).toBeNull();
    expect(validate(event('é'.repeat(128), {}))).toEqual({
      pointer: '/data/attributes/metric/data/attributes/name',
      detail: "'name' must be at most 127 characters long (got 128).",
    });
    const properties = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i]));
    expect(validate(event('Placed Order', properties))).toEqual({
      pointer: '/data/attributes/properties',
      detail: "'properties' may have at most 400 properties (got 401).",
    });
    const profile = { type: 'profile', attributes: { email: 'a@example.com' } };
    expect(
      contract.operations.bulk_import_profiles.validateBody({
        data: {
          type: 'profile-bulk-import-job',
          attributes: { profiles: { data: Array.from({ length: 10_001 }, () => profile) } },
        },
      }),
    ).toEqual({
      pointer: '/data/attributes/profiles/data',
      detail: "'data' may hold at most 10000 items (got 10001).",
    });
  });

  it('validates success bodies; an operation that answers with none accepts none', () => {
    const profile = contract.operations.create_or_update_profile;
    const links = { self: 'http://127.0.0.1:1/api/profile-import' };
    expect(
      profile.validateResponse({ data: { type: 'profile', id: 'X', attributes: {}, links }, links }),
    ).toBeNull();
    expect(profile.validateResponse({ data: { type: 'profile', attributes: {} } })).toEqual({
      pointer: '/data/links',
      detail: "'links' is a required field.",
    });
    expect(contract.operations.create_event.validateResponse(undefined)).toBeNull();
    expect(contract.operations.create_event.validateResponse({})).not.toBeNull();
  });
});

describe('a broken contract file', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the contract with one file changed. */
  function doctored(file: string, change: (json: Record<string, unknown>) => void): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'klaviyo-contract-'));
    dirs.push(dir);
    cpSync(CONTRACT_DIR, dir, { recursive: true });
    const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    change(json);
    writeFileSync(path.join(dir, file), JSON.stringify(json));
    return dir;
  }

  it('fails loading with the file named, rather than validating wrongly', () => {
    const noLimit = doctored('create_event.json', (json) => {
      json.rateLimit = { burst: 350 };
    });
    expect(() => loadKlaviyoContract(noLimit)).toThrow(/create_event\.json: rateLimit/);

    // Strict mode: a misspelt keyword would otherwise be ignored and the limit silently lost.
    const misspelt = doctored('bulk_import_profiles.json', (json) => {
      (json.definitions as { listRef: Record<string, unknown> }).listRef.maxItem = 3;
    });
    expect(() => loadKlaviyoContract(misspelt)).toThrow(/maxItem/);
  });

  it('is what the validators follow', () => {
    const relaxed = doctored('create_event.json', (json) => {
      const data = (json.request as { properties: { data: { required: string[] } } }).properties.data;
      data.required = ['type'];
    });
    expect(
      loadKlaviyoContract(relaxed).operations.create_event.validateBody({ data: { type: 'event' } }),
    ).toBeNull();
  });
});

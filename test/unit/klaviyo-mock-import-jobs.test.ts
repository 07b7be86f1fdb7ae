// The Klaviyo mock's bulk profile import jobs: accepted (202, `queued`), completed deterministically (at once, or
// after reads answered `processing` and mock time passed), valid rows applied as profile upserts, refused rows
// read back as import errors with the row they belong to, pages of errors, limits, and the job reads' own
// rate-limit bucket. The clock is injected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadKlaviyoContract, startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock, KlaviyoMockOptions } from '../../local/klaviyo-mock/index.ts';
import { bulkImportBody, callMock as call, onlyError } from '../helpers/klaviyo-mock-calls.ts';

const JOBS = '/api/profile-bulk-import-jobs';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const contract = loadKlaviyoContract();

interface JobDocument {
  data: {
    id: string;
    attributes: {
      status: string;
      total_count: number;
      completed_count: number;
      failed_count: number;
      started_at: string | null;
      completed_at: string | null;
    };
  };
}
interface ErrorsDocument {
  data: {
    id: string;
    attributes: { code: string; detail: string; source: { pointer: string }; original_payload: unknown };
  }[];
  links: { self: string; next?: string; prev?: string };
}

const rows = [
  { email: 'ok1@example.com', first_name: 'One' },
  { email: 'not-an-email' },
  { phone_number: '030 123456' },
  { email: 'ok2@example.com', phone_number: '+15005550006' },
  { email: 'big@example.com', title: 'x'.repeat(110_000) },
];

async function startWith(options: KlaviyoMockOptions, clock: () => number): Promise<KlaviyoMock> {
  return startKlaviyoMock({ ...options, now: clock });
}

describe('Klaviyo mock: bulk profile import jobs completed at once (default)', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startWith({}, () => NOW);
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('applies valid rows, and reads back the job and its import errors with the rows they belong to', async () => {
    const created = await call(mock, 'POST', JOBS, bulkImportBody(rows, ['L1']));
    expect(created.status).toBe(202);
    expect(contract.operations.bulk_import_profiles.validateResponse(created.json)).toBeNull();
    const id = (created.json as JobDocument).data.id;
    expect((created.json as JobDocument).data.attributes).toMatchObject({ status: 'queued', total_count: 5 });

    const job = await call(mock, 'GET', `${JOBS}/${id}`);
    expect(job.status).toBe(200);
    expect(contract.operations.get_bulk_import_profiles_job.validateResponse(job.json)).toBeNull();
    expect((job.json as JobDocument).data.attributes).toMatchObject({
      status: 'complete',
      total_count: 5,
      completed_count: 2,
      failed_count: 3,
      completed_at: new Date(NOW).toISOString(),
    });
    expect(mock.profiles().map((p) => p.email)).toEqual(['ok1@example.com', 'ok2@example.com']);
    expect(mock.lists()).toEqual([{ listId: 'L1', profileIds: mock.profiles().map((p) => p.id) }]);

    const errors = await call(mock, 'GET', `${JOBS}/${id}/import-errors`);
    expect(errors.status).toBe(200);
    expect(
      contract.operations.get_errors_for_bulk_import_profiles_job.validateResponse(errors.json),
    ).toBeNull();
    const data = (errors.json as ErrorsDocument).data;
    expect(data.map((e) => [e.attributes.code, e.attributes.source.pointer])).toEqual([
      ['invalid', '/data/attributes/profiles/data/1/attributes/email'],
      ['invalid', '/data/attributes/profiles/data/2/attributes/phone_number'],
      ['invalid', '/data/attributes/profiles/data/4'],
    ]);
    expect(data[0]?.attributes.original_payload).toEqual({
      type: 'profile',
      attributes: { email: 'not-an-email' },
    });
    expect(data[2]?.attributes.detail).toMatch(/at most 102400 bytes/);

    expect(mock.importJobs()).toEqual([
      expect.objectContaining({
        id,
        status: 'complete',
        reads: 1,
        listIds: ['L1'],
        completedCount: 2,
        failedCount: 3,
      }),
    ]);
    expect(mock.importJobs()[0]?.rows.map((r) => r.outcome)).toEqual([
      'applied',
      'failed',
      'failed',
      'applied',
      'failed',
    ]);
  });

  it('reports a row whose identifiers belong to two profiles as an import error, not a failed job', async () => {
    await call(mock, 'POST', JOBS, bulkImportBody([{ email: 'a@example.com' }, { external_id: 'b' }]));
    const created = await call(
      mock,
      'POST',
      JOBS,
      bulkImportBody([{ email: 'a@example.com', external_id: 'b' }]),
    );
    const id = (created.json as JobDocument).data.id;
    const errors = (await call(mock, 'GET', `${JOBS}/${id}/import-errors`)).json as ErrorsDocument;
    expect(errors.data.map((e) => [e.attributes.code, e.attributes.source.pointer])).toEqual([
      ['duplicate_profile', '/data/attributes/profiles/data/0/attributes'],
    ]);
  });

  it('pages the import errors (page[size] 1–100, cursor in the next link)', async () => {
    const bad = Array.from({ length: 5 }, (_, i) => ({ email: `bad-${i}` }));
    const id = ((await call(mock, 'POST', JOBS, bulkImportBody(bad))).json as JobDocument).data.id;
    const first = (await call(mock, 'GET', `${JOBS}/${id}/import-errors?page[size]=2`))
      .json as ErrorsDocument;
    expect(first.data.map((e) => e.id)).toEqual([`${id}-0`, `${id}-1`]);
    const next = new URL(first.links.next ?? '');
    const second = (await call(mock, 'GET', `${next.pathname}${next.search}`)).json as ErrorsDocument;
    expect(second.data.map((e) => e.id)).toEqual([`${id}-2`, `${id}-3`]);
    const last = new URL(second.links.next ?? '');
    const third = (await call(mock, 'GET', `${last.pathname}${last.search}`)).json as ErrorsDocument;
    expect([third.data.map((e) => e.id), third.links.next]).toEqual([[`${id}-4`], undefined]);
    const tooBig = await call(mock, 'GET', `${JOBS}/${id}/import-errors?page[size]=101`);
    expect(onlyError(tooBig)).toMatchObject({ code: 'invalid', source: { parameter: 'page[size]' } });
  });

  it('answers 404 for an unknown job, and refuses a body on a read', async () => {
    expect(onlyError(await call(mock, 'GET', `${JOBS}/01UNKNOWN`))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect((await call(mock, 'GET', `${JOBS}/01UNKNOWN/import-errors`)).status).toBe(404);
    expect((await call(mock, 'POST', `${JOBS}/01UNKNOWN`, {})).status).toBe(405);
  });

  it('refuses more than 10,000 profiles and more than 5 MB, and checks the revision of reads', async () => {
    const many = bulkImportBody(Array.from({ length: 10_001 }, (_, i) => ({ email: `p${i}@example.com` })));
    const tooMany = await call(mock, 'POST', JOBS, many);
    expect(onlyError(tooMany)).toMatchObject({
      code: 'invalid',
      source: { pointer: '/data/attributes/profiles/data' },
    });
    const huge = bulkImportBody(
      Array.from({ length: 60 }, (_, i) => ({ email: `p${i}@example.com`, title: 'x'.repeat(90_000) })),
    );
    expect((await call(mock, 'POST', JOBS, huge)).status).toBe(413);
    expect(mock.importJobs()).toEqual([]);
    const id = (
      (await call(mock, 'POST', JOBS, bulkImportBody([{ email: 'a@example.com' }]))).json as JobDocument
    ).data.id;
    const noRevision = await call(mock, 'GET', `${JOBS}/${id}`, undefined, { revision: null });
    expect(onlyError(noRevision)).toMatchObject({ source: { parameter: 'revision' } });
  });

  it('takes faults on a job read by its path or its template', async () => {
    const id = (
      (await call(mock, 'POST', JOBS, bulkImportBody([{ email: 'a@example.com' }]))).json as JobDocument
    ).data.id;
    mock.inject({ status: 503, path: `${JOBS}/{job_id}` });
    mock.inject({ status: 502, path: `${JOBS}/${id}/import-errors` });
    expect((await call(mock, 'GET', `${JOBS}/${id}/import-errors`)).status).toBe(502);
    expect((await call(mock, 'GET', `${JOBS}/${id}`)).status).toBe(503);
    expect((await call(mock, 'GET', `${JOBS}/${id}`)).status).toBe(200);
  });
});

describe('Klaviyo mock: bulk profile import jobs completed later', () => {
  let mock: KlaviyoMock;
  let clock = NOW;
  afterAll(async () => {
    await mock.close();
  });

  it('answers processing for the configured reads and time, then completes and applies the rows', async () => {
    mock = await startWith({ bulkImportJobs: { processingReads: 2, delayMs: 5_000 } }, () => clock);
    const created = await call(
      mock,
      'POST',
      JOBS,
      bulkImportBody([{ email: 'a@example.com' }, { email: 'bad' }]),
    );
    const id = (created.json as JobDocument).data.id;
    expect(mock.profiles()).toEqual([]);
    const status = async () =>
      ((await call(mock, 'GET', `${JOBS}/${id}`)).json as JobDocument).data.attributes;
    expect(await status()).toMatchObject({
      status: 'processing',
      completed_count: 0,
      failed_count: 0,
      completed_at: null,
    });
    expect(((await call(mock, 'GET', `${JOBS}/${id}/import-errors`)).json as ErrorsDocument).data).toEqual(
      [],
    );
    expect(await status()).toMatchObject({ status: 'processing' });
    // Two reads answered processing, but the job is not 5 s old yet.
    expect(await status()).toMatchObject({ status: 'processing' });
    expect(mock.profiles()).toEqual([]);
    clock += 5_000;
    expect(await status()).toMatchObject({ status: 'complete', completed_count: 1, failed_count: 1 });
    expect(mock.profiles().map((p) => p.email)).toEqual(['a@example.com']);
    expect(
      ((await call(mock, 'GET', `${JOBS}/${id}/import-errors`)).json as ErrorsDocument).data,
    ).toHaveLength(1);
  });
});

describe('Klaviyo mock: bulk profile import rate limits', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startWith({ limits: { get_bulk_import_profiles_job: { burst: 1, steady: 2 } } }, () => NOW);
  });
  afterAll(async () => {
    await mock.close();
  });

  it('keeps the job reads, the error reads and the job creation on their own buckets', async () => {
    const created = await call(mock, 'POST', JOBS, bulkImportBody([{ email: 'a@example.com' }]));
    expect(created.headers.get('RateLimit-Limit')).toBe('150');
    const id = (created.json as JobDocument).data.id;
    expect((await call(mock, 'GET', `${JOBS}/${id}`)).status).toBe(200);
    expect((await call(mock, 'GET', `${JOBS}/${id}`)).status).toBe(429);
    const errors = await call(mock, 'GET', `${JOBS}/${id}/import-errors`);
    expect([errors.status, errors.headers.get('RateLimit-Remaining')]).toEqual([200, '149']);
    const again = await call(mock, 'POST', JOBS, bulkImportBody([{ email: 'b@example.com' }]));
    expect([again.status, again.headers.get('RateLimit-Remaining')]).toEqual([202, '148']);
  });
});

// Bulk Import Profiles: the job body (against the project's own contract always, and against Klaviyo's
// published operation file when it is at hand, as klaviyo-openapi-conformance.test.ts does), the packing limits,
// and how an import error names the message behind its row.
import { describe, expect, it } from 'vitest';
import { profileImportBody } from '../../functions/deliver/klaviyo-requests.ts';
import {
  PROFILE_JOB_MAX_PROFILES,
  bulkImportProfilesBody,
  planProfileJobs,
  rowsOfImportError,
  type ProfileItem,
} from '../../functions/deliver/profile-bulk-plan.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/index.ts';
import { loadOpenApiOperations, openApiSource } from '../helpers/klaviyo-openapi.ts';
import { upsertFixture } from '../helpers/stage-messages.ts';

const item = (i: number, fields: Record<string, unknown> = {}): ProfileItem => ({
  id: `m${i}`,
  upsert: upsertFixture(`d-${i}`, {
    profile: { email: `user${i}@example.com` },
    attributes: { first_name: `Ada ${i}`, title: null },
    ...fields,
  }),
});
const items = (n: number) => Array.from({ length: n }, (_, i) => item(i));

/** Bodies the relay builds: identifiers only, nulls that clear, location, Klaviyo's id, unicode, 10,000 rows. */
function bodies() {
  const [full] = planProfileJobs(items(PROFILE_JOB_MAX_PROFILES)).jobs;
  return [
    ['a full job', full?.body],
    [
      'every kind of profile',
      bulkImportProfilesBody([
        item(1).upsert,
        item(2, { attributes: {}, location: null, properties: { vip: true, gone: null } }).upsert,
        item(3, {
          profile: { id: '01HFAD5MDRT48NN8VN7H1NB0BH', phone_number: '+4930123456', external_id: 'kunde-ü' },
          location: { city: 'Zürich', latitude: '47.3769', timezone: 'Europe/Zurich' },
        }).upsert,
      ]),
    ],
  ] as const;
}

describe('the Bulk Import Profiles body', () => {
  it('is the profile import resource of each upsert, in a profile-bulk-import-job', () => {
    const upserts = [item(1).upsert, item(2).upsert];
    expect(bulkImportProfilesBody(upserts)).toEqual({
      data: {
        type: 'profile-bulk-import-job',
        attributes: { profiles: { data: upserts.map((u) => profileImportBody(u).data) } },
      },
    });
  });

  const contract = loadKlaviyoContract();
  it.each(bodies())("%s satisfies the project's contract", (_label, body) => {
    expect(body).toBeDefined();
    expect(contract.operations.bulk_import_profiles.validateBody(body)).toBeNull();
  });

  it("the project's contract refuses a job without the job type or with 10,001 profiles", () => {
    const body = bulkImportProfilesBody([item(1).upsert]);
    const wrongType = { data: { ...body.data, type: 'profile-import-job' } };
    expect(contract.operations.bulk_import_profiles.validateBody(wrongType)).not.toBeNull();
    const tooMany = bulkImportProfilesBody(Array.from({ length: 10_001 }, () => item(1).upsert));
    expect(contract.operations.bulk_import_profiles.validateBody(tooMany)).not.toBeNull();
  });

  const source = openApiSource();
  describe.runIf(source.present)("against Klaviyo's operation file", () => {
    let loaded: ReturnType<typeof loadOpenApiOperations> | undefined;
    const klaviyo = () => (loaded ??= loadOpenApiOperations(source.dir));
    it.each(bodies())('%s satisfies bulk_import_profiles.json', (_label, body) => {
      expect(klaviyo().bulk_import_profiles.validateBody(body)).toBeNull();
    });
    it('which refuses a profile resource of the wrong type', () => {
      const body = bulkImportProfilesBody([item(1).upsert]);
      const doctored = structuredClone(body) as unknown as {
        data: { attributes: { profiles: { data: { type: string }[] } } };
      };
      const [first] = doctored.data.attributes.profiles.data;
      if (first) first.type = 'event';
      expect(klaviyo().bulk_import_profiles.validateBody(doctored)).not.toBeNull();
    });
  });
});

describe('planProfileJobs', () => {
  it('fills jobs up to 10,000 profiles, in arrival order', () => {
    const plan = planProfileJobs(items(PROFILE_JOB_MAX_PROFILES + 5));
    expect(plan.jobs.map((j) => j.ids.length)).toEqual([PROFILE_JOB_MAX_PROFILES, 5]);
    expect(plan.jobs[1]?.ids).toEqual(['m10000', 'm10001', 'm10002', 'm10003', 'm10004']);
  });

  it('stays under the byte limit, and sends a profile over 100 KB alone', () => {
    const big = (i: number) => item(i, { properties: { blob: 'x'.repeat(30_000) } });
    const huge = item(99, { properties: { blob: 'x'.repeat(120_000) } });
    const plan = planProfileJobs([big(1), big(2), huge, big(3), big(4)], { maxBytes: 70_000 });
    expect(plan.jobs.map((j) => j.ids)).toEqual([
      ['m1', 'm2'],
      ['m3', 'm4'],
    ]);
    expect(plan.alone.map((i) => i.id)).toEqual(['m99']);
    for (const job of plan.jobs) expect(Buffer.byteLength(JSON.stringify(job.body))).toBeLessThan(70_200);
  });
});

describe('rowsOfImportError', () => {
  const [job] = planProfileJobs([
    item(0),
    item(1, { profile: { email: 'dup@example.com' } }),
    item(2, { profile: { external_id: 'x-2' } }),
  ]).jobs;
  if (!job) throw new Error('no job');

  it('reads the row from the pointer', () => {
    const pointer = '/data/attributes/profiles/data/2/attributes/external_id';
    expect(rowsOfImportError(job, { source: { pointer } })).toEqual([2]);
    expect(rowsOfImportError(job, { source: { pointer: '/data/attributes/profiles/data/1' } })).toEqual([1]);
  });

  it('else finds the row whose payload the error quotes, whole or by its identifiers', () => {
    const resource = job.body.data.attributes.profiles.data[1];
    expect(rowsOfImportError(job, { source: { pointer: '/data' }, original_payload: resource })).toEqual([1]);
    expect(rowsOfImportError(job, { original_payload: resource?.attributes })).toEqual([1]);
    expect(
      rowsOfImportError(job, { original_payload: { external_id: 'x-2', first_name: 'changed' } }),
    ).toEqual([2]);
  });

  it('names no row when neither says one', () => {
    expect(rowsOfImportError(job, { source: { pointer: '/data/attributes/profiles/data/7' } })).toEqual([]);
    expect(rowsOfImportError(job, { source: { pointer: '/data' }, original_payload: null })).toEqual([]);
    expect(rowsOfImportError(job, { original_payload: { email: 'nobody@example.com' } })).toEqual([]);
  });
});

// Custom-object records in deliver (ADR 0034): jobs as full as Klaviyo allows (500 records, 4 MB, one data source
// a job) from 50 records of a data source on, the single operation below that and when a record waits alone, a
// record over 512 KB dead-lettered before anything is
// sent, and one Klaviyo answer per job deciding its records' outcomes (204 delivered; 429/5xx retried; a 400
// naming a row dead-letters that record alone and resends the rest; a 400 naming none sends each alone).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger.ts';
import { MAX_RECORD_BYTES } from '../../functions/shared/stage/contracts.ts';
import { RetryableError } from '../../functions/shared/stage/errors.ts';
import { deliverRecords } from '../../functions/deliver/deliver-records.ts';
import { createPacers, PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import { KlaviyoRejection, type KlaviyoClient } from '../../functions/deliver/klaviyo-client.ts';
import {
  RECORDS_BULK_THRESHOLD,
  RECORDS_MAX_JOB_BYTES,
  itemAtPointer,
  planRecordJobs,
  type RecordItem,
} from '../../functions/deliver/record-jobs.ts';
import { RECORD_PATHS } from '../../functions/deliver/record-requests.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/index.ts';
import { recordFixture } from '../helpers/record-messages.ts';

const item = (id: string, fields: Parameters<typeof recordFixture>[1] = {}): RecordItem => ({
  id,
  message: recordFixture(id, fields),
});
const tickets = (n: number, fields: Parameters<typeof recordFixture>[1] = {}) =>
  Array.from({ length: n }, (_, i) => item(`m${i}`, fields));

type Body = {
  data: {
    attributes: Record<
      string,
      { data: { attributes: { record: { id: string } } }[] | { attributes: { record: { id: string } } } }
    >;
    relationships: { 'data-source': { data: { id: string } } };
  };
};
/** The record ids a request body carries, in row order. */
const idsOf = (body: unknown): string[] => {
  const rows = Object.values((body as Body).data.attributes)[0]?.data;
  return (Array.isArray(rows) ? rows : rows ? [rows] : []).map((r) => r.attributes.record.id);
};

/** A Klaviyo stand-in: answers each call with the next scripted outcome (204 when the script runs out). */
function scriptedKlaviyo(script: (Error | undefined)[] = []) {
  const calls: { path: string; body: unknown }[] = [];
  const klaviyo: KlaviyoClient = {
    post(path, body) {
      calls.push({ path, body });
      const error = script.shift();
      return error ? Promise.reject(error) : Promise.resolve(new Response(null, { status: 204 }));
    },
  };
  return { klaviyo, calls };
}

const rejection = (pointer: string | undefined) => {
  const errors = [
    { code: 'invalid', detail: 'Record is invalid', ...(pointer ? { source: { pointer } } : {}) },
  ];
  return new KlaviyoRejection('POST answered 400', 'klaviyo_400', 400, errors, errors);
};

function recordPorts(klaviyo: KlaviyoClient) {
  const counts: Record<string, number> = {};
  const log = createLogger('deliver');
  return {
    counts,
    ports: {
      klaviyo,
      counters: { count: (name: string, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
      deadline: Number.POSITIVE_INFINITY,
      log,
      logOf: () => log,
      maxInFlight: 1,
    },
  };
}

describe('planRecordJobs', () => {
  it('fills jobs to 500 records, one data source a job, in first-seen order', () => {
    const items = [...tickets(1_201), item('other', { data_source_id: 'DS2' })];
    const { jobs } = planRecordJobs(items);
    expect(jobs.map((j) => [j.path, j.items.length])).toEqual([
      [RECORD_PATHS.bulkCreateRecords, 500],
      [RECORD_PATHS.bulkCreateRecords, 500],
      [RECORD_PATHS.bulkCreateRecords, 201],
      [RECORD_PATHS.createRecord, 1],
    ]);
    expect((jobs[0]?.body as unknown as Body).data.relationships['data-source'].data.id).toBe('DS1');
    expect((jobs[3]?.body as unknown as Body).data.relationships['data-source'].data.id).toBe('DS2');
    expect(idsOf(jobs[0]?.body).slice(0, 3)).toEqual(['m0', 'm1', 'm2']);
  });

  it('sends fewer than 50 records of a data source one by one, where a job would cost more of the budget', () => {
    expect(RECORDS_BULK_THRESHOLD).toBe(50);
    const plan = planRecordJobs([
      ...tickets(49),
      ...tickets(50).map((t) => item(`x${t.id}`, { data_source_id: 'DS2' })),
    ]);
    expect(plan.jobs.map((j) => [j.path, j.items.length])).toEqual([
      ...Array.from({ length: 49 }, () => [RECORD_PATHS.createRecord, 1]),
      [RECORD_PATHS.bulkCreateRecords, 50],
    ]);
    const remainder = planRecordJobs(tickets(520));
    expect(remainder.jobs.map((j) => j.items.length)).toEqual([500, ...Array.from({ length: 20 }, () => 1)]);
  });

  it('cuts a job at 4 MB before 500 records', () => {
    const record = { text: 'x'.repeat(100_000) };
    const { jobs } = planRecordJobs(
      tickets(100).map((t) => item(t.id, { record })),
      { bulkThreshold: 2 },
    );
    const sizes = jobs.map((j) => Buffer.byteLength(JSON.stringify(j.body)));
    expect(jobs.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(sizes[0]).toBeGreaterThan(RECORDS_MAX_JOB_BYTES - 100_000);
    expect(jobs.reduce((n, j) => n + j.items.length, 0)).toBe(100);
  });

  it("builds bodies the project's contract accepts: a full job, and a record alone", () => {
    const contract = loadKlaviyoContract().operations;
    const [full] = planRecordJobs(tickets(500)).jobs;
    const [alone] = planRecordJobs([item('solo', { record: { nested: { a: [1, null] }, text: 'ü' } })]).jobs;
    expect(full?.path).toBe(RECORD_PATHS.bulkCreateRecords);
    expect(contract.bulk_create_data_source_records.validateBody(full?.body)).toBeNull();
    expect(alone?.path).toBe(RECORD_PATHS.createRecord);
    expect(contract.create_data_source_record.validateBody(alone?.body)).toBeNull();
    expect(alone?.body).toEqual({
      data: {
        type: 'data-source-record-create-job',
        attributes: {
          'data-source-record': {
            data: {
              type: 'data-source-record',
              attributes: { record: { nested: { a: [1, null] }, text: 'ü', id: 'solo' } },
            },
          },
        },
        relationships: { 'data-source': { data: { type: 'data-source', id: 'DS1' } } },
      },
    });
  });

  it('leaves out a record over 512 KB, with its size', () => {
    const big = item('big', { record: { text: 'x'.repeat(MAX_RECORD_BYTES - 15) } });
    const plan = planRecordJobs([item('a'), big, item('b')]);
    expect(plan.tooLarge.map((t) => [t.item.id, t.bytes > MAX_RECORD_BYTES])).toEqual([['big', true]]);
    expect(plan.jobs.flatMap((j) => j.items.map((i) => i.id))).toEqual(['a', 'b']);
  });

  it('sends an exact repeat once, and a different record under the same id in a later job', () => {
    const plan = planRecordJobs(
      [
        item('a', { record_id: 't1', record: { status: 'open' } }),
        item('a-again', { record_id: 't1', record: { status: 'open' } }),
        item('a-changed', { record_id: 't1', record: { status: 'solved' } }),
        item('b', { record_id: 't2' }),
      ],
      { bulkThreshold: 1 },
    );
    expect(plan.followers).toEqual(new Map([['a-again', 'a']]));
    expect(plan.jobs.map((j) => j.items.map((i) => i.id))).toEqual([['a', 'b'], ['a-changed']]);
  });

  it('names the item an error pointer names, in a job and alone', () => {
    const { jobs } = planRecordJobs([...tickets(3), item('solo', { data_source_id: 'DS2' })], {
      bulkThreshold: 2,
    });
    const [job, solo] = jobs;
    if (!job || !solo) throw new Error('two jobs expected');
    expect(itemAtPointer(job, '/data/attributes/data-source-records/data/2/attributes/record')?.id).toBe(
      'm2',
    );
    expect(itemAtPointer(job, '/data/relationships/data-source/data/id')).toBeUndefined();
    expect(itemAtPointer(solo, '/data/attributes/data-source-record/data/attributes/record')?.id).toBe(
      'solo',
    );
    expect(itemAtPointer(solo, '/data/relationships')).toBeUndefined();
  });
});

describe('deliverRecords: outcomes', () => {
  it('delivers a batch of records in one bulk job, and a record alone through the single operation', async () => {
    const { klaviyo, calls } = scriptedKlaviyo();
    const { ports, counts } = recordPorts(klaviyo);
    const outcomes = await deliverRecords([...tickets(60), item('solo', { data_source_id: 'DS2' })], ports);
    expect(calls.map((c) => [c.path, idsOf(c.body).length])).toEqual([
      [RECORD_PATHS.bulkCreateRecords, 60],
      [RECORD_PATHS.createRecord, 1],
    ]);
    expect(idsOf(calls[1]?.body)).toEqual(['solo']);
    expect(outcomes.size).toBe(61);
    expect([...outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(counts.delivered).toBe(61);
  });

  it('dead-letters a record over 512 KB with a clear reason and sends the rest', async () => {
    const { klaviyo, calls } = scriptedKlaviyo();
    const { ports } = recordPorts(klaviyo);
    const big = item('big', { record: { text: 'x'.repeat(MAX_RECORD_BYTES - 15) } });
    const outcomes = await deliverRecords([...tickets(50), big], ports);
    expect(outcomes.get('big')).toMatchObject({
      kind: 'dead-letter',
      error: { reason: 'record_too_large', detail: { record_id: 'big', data_source_id: 'DS1' } },
    });
    expect(String((outcomes.get('big') as { error: Error }).error.message)).toMatch(
      /at most 524288 bytes a record/,
    );
    expect(calls.map((c) => idsOf(c.body).length)).toEqual([50]);
    expect(idsOf(calls[0]?.body)).not.toContain('big');
    expect(outcomes.get('m0')?.kind).toBe('done');
  });

  it("a 400 naming one row dead-letters that record, with Klaviyo's detail and pointer, and resends the rest", async () => {
    const pointer = '/data/attributes/data-source-records/data/3/attributes/record';
    const { klaviyo, calls } = scriptedKlaviyo([rejection(pointer)]);
    const { ports } = recordPorts(klaviyo);
    const outcomes = await deliverRecords(tickets(60), ports);
    expect(outcomes.get('m3')).toMatchObject({
      kind: 'dead-letter',
      error: { reason: 'klaviyo_400', detail: [{ detail: 'Record is invalid', source: { pointer } }] },
    });
    expect([...outcomes].filter(([, o]) => o.kind === 'done')).toHaveLength(59);
    expect(calls.map((c) => idsOf(c.body).length)).toEqual([60, 59]);
    expect(idsOf(calls[1]?.body)).not.toContain('m3');
  });

  it('a 400 naming no row sends each record alone through the single operation, so each gets its own verdict', async () => {
    const { klaviyo, calls } = scriptedKlaviyo([rejection(undefined), undefined, rejection(undefined)]);
    const { ports } = recordPorts(klaviyo);
    const outcomes = await deliverRecords(tickets(50), ports);
    expect(calls.map((c) => c.path)).toEqual([
      RECORD_PATHS.bulkCreateRecords,
      ...Array.from({ length: 50 }, () => RECORD_PATHS.createRecord),
    ]);
    expect([...outcomes].filter(([, o]) => o.kind === 'done')).toHaveLength(49);
    expect(outcomes.get('m1')?.kind).toBe('dead-letter');
    expect(outcomes.get('m0')?.kind).toBe('done');
    expect(outcomes.get('m2')?.kind).toBe('done');
  });

  it('429 and 5xx leave every record of the job to retry; an exact repeat follows its copy', async () => {
    for (const error of [
      new RetryableError('429', 'klaviyo_throttled', 7),
      new RetryableError('503', 'klaviyo_503'),
    ]) {
      const { klaviyo, calls } = scriptedKlaviyo([error]);
      const { ports } = recordPorts(klaviyo);
      const outcomes = await deliverRecords(
        [...tickets(50), item('again', { record_id: 'm0', record: tickets(1)[0]?.message.record ?? {} })],
        ports,
      );
      expect(calls).toHaveLength(1);
      expect(outcomes.size).toBe(51);
      expect([...outcomes.values()].every((o) => o.kind === 'retry')).toBe(true);
    }
  });
});

describe('record budgets', () => {
  it('each record operation has its own pacer, at its published limits', () => {
    expect(PUBLISHED_LIMITS[RECORD_PATHS.bulkCreateRecords]).toEqual({ burst: 3, steady: 15 });
    expect(PUBLISHED_LIMITS[RECORD_PATHS.createRecord]).toEqual({ burst: 75, steady: 750 });
    const pacers = createPacers({ rate_budget_share: 1, max_concurrency: 1, max_pacing_wait_ms: 1_000 });
    expect(pacers(RECORD_PATHS.bulkCreateRecords)).not.toBe(pacers(RECORD_PATHS.createRecord));
    expect(pacers(RECORD_PATHS.bulkCreateRecords)).not.toBe(pacers('/api/event-bulk-create-jobs'));
  });
});

describe('deliverRecords: concurrency', () => {
  it('sends single records as many at once as max_in_flight allows, beside at most two bulk jobs', async () => {
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const klaviyo: KlaviyoClient = {
      post() {
        inFlight += 1;
        most = Math.max(most, inFlight);
        return new Promise((resolve) =>
          release.push(() => {
            inFlight -= 1;
            resolve(new Response(null, { status: 204 }));
          }),
        );
      },
    };
    const { ports } = recordPorts(klaviyo);
    ports.maxInFlight = 4;
    const done = deliverRecords(tickets(10), ports);
    await new Promise((resolve) => setImmediate(resolve));
    expect(most).toBe(4);
    while (release.length > 0) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect([...(await done).values()].every((o) => o.kind === 'done')).toBe(true);
  });
});

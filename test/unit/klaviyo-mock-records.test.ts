// The Klaviyo mock's custom objects: Create Data Source (201 with the data source; a title is unique in its
// namespace), Bulk Create Data Source Records and Create Data Source Record (204, each record recorded under its
// data source and keyed by its `id`, so a record written again is replaced, not added), with their published
// limits: 500 records and 4 MB a job, 512 KB a record, 3/s on the bulk job. A refused request records nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { callMock as call, onlyError } from '../helpers/klaviyo-mock-calls.ts';

const BULK = '/api/data-source-record-bulk-create-jobs';
const SINGLE = '/api/data-source-record-create-jobs';
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

const resource = (record: Record<string, unknown>) => ({
  type: 'data-source-record',
  attributes: { record },
});
const relationships = (id: string) => ({ 'data-source': { data: { type: 'data-source', id } } });
const bulkBody = (dataSourceId: string, records: Record<string, unknown>[]) => ({
  data: {
    type: 'data-source-record-bulk-create-job',
    attributes: { 'data-source-records': { data: records.map(resource) } },
    relationships: relationships(dataSourceId),
  },
});
const singleBody = (dataSourceId: string, record: Record<string, unknown>) => ({
  data: {
    type: 'data-source-record-create-job',
    attributes: { 'data-source-record': { data: resource(record) } },
    relationships: relationships(dataSourceId),
  },
});
const dataSourceBody = (title: string) => ({ data: { type: 'data-source', attributes: { title } } });

describe('Klaviyo mock: custom objects', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => NOW, limits: { bulk_create_data_source_records: 'off' } });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('creates a data source and answers it; the same title again is a conflict', async () => {
    const created = await call(mock, 'POST', '/api/data-sources', dataSourceBody('Tickets'));
    expect(created.status).toBe(201);
    const id = (created.json as { data: { id: string } }).data.id;
    expect(created.json).toEqual({
      data: {
        type: 'data-source',
        id,
        attributes: { title: 'Tickets', visibility: 'private', description: '', namespace: 'custom-objects' },
        links: { self: `${mock.url}/api/data-sources/${id}` },
      },
      links: { self: `${mock.url}/api/data-sources` },
    });
    expect(mock.dataSources()).toMatchObject([{ id, title: 'Tickets' }]);

    const again = await call(mock, 'POST', '/api/data-sources', dataSourceBody('Tickets'));
    expect(again.status).toBe(409);
    expect(onlyError(again).source.pointer).toBe('/data/attributes/title');
    expect(mock.dataSources()).toHaveLength(1);
  });

  it('records a bulk job and a single record; a record written again under its id is replaced', async () => {
    const { id } = mock.createDataSource('Tickets');
    const bulk = await call(mock, 'POST', BULK, bulkBody(id, [{ id: 't1', status: 'open' }, { id: 't2' }]));
    expect(bulk).toMatchObject({ status: 204, json: undefined });
    const single = await call(mock, 'POST', SINGLE, singleBody(id, { id: 't1', status: 'solved' }));
    expect(single).toMatchObject({ status: 204, json: undefined });
    expect(mock.records()).toMatchObject([
      {
        dataSourceId: id,
        recordId: 't1',
        record: { id: 't1', status: 'solved' },
        via: 'create_data_source_record',
        writes: 2,
      },
      { dataSourceId: id, recordId: 't2', via: 'bulk_create_data_source_records', writes: 1 },
    ]);
    const listed = await fetch(`${mock.url}/_mock/records`).then((r) => r.json());
    expect(listed).toMatchObject({ count: 2, records: [{ recordId: 't1' }, { recordId: 't2' }] });
    expect(await fetch(`${mock.url}/_mock/data-sources`).then((r) => r.json())).toMatchObject({
      count: 1,
      'data-sources': [{ id, title: 'Tickets' }],
    });
  });

  const bigRecord = (id: string) => ({ id, text: 'x'.repeat(512 * 1024) });
  const refusals: [string, (id: string) => [string, unknown], number, string][] = [
    [
      'a data source that does not exist',
      () => [BULK, bulkBody('01NOPE', [{ id: 'a' }])],
      400,
      '/data/relationships/data-source/data/id',
    ],
    [
      'no data source named',
      () => [SINGLE, { data: { ...singleBody('x', { id: 'a' }).data, relationships: {} } }],
      400,
      '/data/relationships',
    ],
    [
      'the wrong job type',
      (id) => [
        BULK,
        { data: { ...bulkBody(id, [{ id: 'a' }]).data, type: 'data-source-record-create-job' } },
      ],
      400,
      '/data/type',
    ],
    [
      'a record that is not an object',
      (id) => [
        SINGLE,
        {
          data: {
            ...singleBody(id, {}).data,
            attributes: {
              'data-source-record': { data: { type: 'data-source-record', attributes: { record: 'a' } } },
            },
          },
        },
      ],
      400,
      '/data/attributes/data-source-record/data/attributes/record',
    ],
    [
      '501 records (at most 500)',
      (id) => [
        BULK,
        bulkBody(
          id,
          Array.from({ length: 501 }, (_, i) => ({ id: `r${i}` })),
        ),
      ],
      400,
      '/data/attributes/data-source-records/data',
    ],
    [
      'a record over 512 KB in a job',
      (id) => [BULK, bulkBody(id, [{ id: 'a' }, bigRecord('b')])],
      400,
      '/data/attributes/data-source-records/data/1/attributes/record',
    ],
    [
      'a record over 512 KB alone',
      (id) => [SINGLE, singleBody(id, bigRecord('b'))],
      400,
      '/data/attributes/data-source-record/data/attributes/record',
    ],
  ];
  it.each(refusals)('refuses %s, recording nothing', async (_what, build, status, pointer) => {
    const { id } = mock.createDataSource('Tickets');
    const [path, body] = build(id);
    const reply = await call(mock, 'POST', path, body);
    expect(reply.status).toBe(status);
    expect(onlyError(reply).source.pointer).toBe(pointer);
    expect(mock.records()).toEqual([]);
  });

  it('refuses a job over 4 MB whole (413)', async () => {
    const { id } = mock.createDataSource('Tickets');
    const records = Array.from({ length: 9 }, (_, i) => ({ id: `r${i}`, text: 'x'.repeat(500 * 1024) }));
    const reply = await call(mock, 'POST', BULK, bulkBody(id, records));
    expect(reply.status).toBe(413);
    expect(mock.records()).toEqual([]);
  });
});

describe('Klaviyo mock: the record operations’ published limits', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => NOW });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('the bulk job takes 3 a second; the single record and the data source have budgets of their own', async () => {
    const { id } = mock.createDataSource('Tickets');
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(mock, 'POST', BULK, bulkBody(id, [{ id: `b${i}` }]))).status);
    expect(statuses).toEqual([204, 204, 204, 429]);
    expect((await call(mock, 'POST', SINGLE, singleBody(id, { id: 's' }))).status).toBe(204);
    const sources = [];
    for (let i = 0; i < 4; i++)
      sources.push((await call(mock, 'POST', '/api/data-sources', dataSourceBody(`s${i}`))).status);
    expect(sources).toEqual([201, 201, 201, 429]);
  });
});

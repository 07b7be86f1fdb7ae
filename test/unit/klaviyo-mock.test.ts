// The Klaviyo mock over HTTP on loopback: Klaviyo's checks, dedupe, profile upserts, rate limits, faults and
// the /_mock endpoints. The mock's clock is injected, so nothing here depends on wall-clock time.
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadKlaviyoContract, startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock, KlaviyoMockOptions } from '../../local/klaviyo-mock/index.ts';

const KEY = 'pk_test_0123456789';
const REVISION = '2026-07-15';
const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const USER_AGENT = 'klaviyo-mock-test';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

interface ErrorReply {
  errors: {
    id: string;
    status: number;
    code: string;
    title: string;
    detail: string;
    source: Record<string, string>;
  }[];
}

const apiHeaders = (extra: Record<string, string | undefined> = {}): Record<string, string> => {
  const all: Record<string, string | undefined> = {
    Authorization: `Klaviyo-API-Key ${KEY}`,
    revision: REVISION,
    'Content-Type': 'application/vnd.api+json',
    Accept: 'application/vnd.api+json',
    'User-Agent': USER_AGENT,
    ...extra,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
};

async function call(
  mock: KlaviyoMock,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = apiHeaders(),
): Promise<Reply> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${mock.url}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

const firstError = (reply: Reply) => {
  const doc = reply.json as ErrorReply;
  expect(doc.errors).toHaveLength(1);
  const [error] = doc.errors;
  if (!error) throw new Error('no error in document');
  expect(error.status).toBe(reply.status);
  expect(typeof error.id).toBe('string');
  return error;
};

interface EventSpec {
  metric?: string;
  email?: string;
  uniqueId?: string;
  properties?: Record<string, unknown>;
  time?: string;
  value?: number;
}

function eventBody(spec: EventSpec = {}) {
  return {
    data: {
      type: 'event',
      attributes: {
        properties: spec.properties ?? { OrderId: 'A-1', ItemCount: 2, FirstName: 'Jane' },
        time: spec.time ?? '2026-11-20T10:00:00.750Z',
        value: spec.value ?? 42.5,
        value_currency: 'USD',
        ...(spec.uniqueId === undefined ? {} : { unique_id: spec.uniqueId }),
        metric: { data: { type: 'metric', attributes: { name: spec.metric ?? 'Placed Order' } } },
        profile: { data: { type: 'profile', attributes: { email: spec.email ?? 'jane@example.com' } } },
      },
    },
  };
}

function bulkBody(entries: { email: string; events: EventSpec[] }[]) {
  return {
    data: {
      type: 'event-bulk-create-job',
      attributes: {
        'events-bulk-create': {
          data: entries.map((entry) => ({
            type: 'event-bulk-create',
            attributes: {
              profile: { data: { type: 'profile', attributes: { email: entry.email } } },
              events: {
                data: entry.events.map((e) => ({
                  type: 'event',
                  attributes: {
                    properties: e.properties ?? { Sku: 'X' },
                    time: e.time ?? '2026-11-20T10:00:00Z',
                    ...(e.uniqueId === undefined ? {} : { unique_id: e.uniqueId }),
                    metric: { data: { type: 'metric', attributes: { name: e.metric ?? 'Ordered Product' } } },
                  },
                })),
              },
            },
          })),
        },
      },
    },
  };
}

function profileBody(attributes: Record<string, unknown>, id?: string) {
  return { data: { type: 'profile', ...(id === undefined ? {} : { id }), attributes } };
}

describe('klaviyo mock', () => {
  let mock: KlaviyoMock;
  let clock = START;
  const lines: string[] = [];
  const contract = loadKlaviyoContract();

  beforeAll(async () => {
    mock = await startKlaviyoMock({ apiKey: KEY, now: () => clock, log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.reset();
    clock = START;
    lines.length = 0;
  });

  describe('Create Event', () => {
    it('accepts a valid event with 202 and an empty body, and records it', async () => {
      const reply = await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'order-A-1' }));

      expect(reply.status).toBe(202);
      expect(reply.text).toBe('');
      const [event, ...others] = mock.events();
      expect(others).toEqual([]);
      expect(event).toMatchObject({
        via: 'create_event',
        metric: 'Placed Order',
        profile: { email: 'jane@example.com' },
        properties: { OrderId: 'A-1', ItemCount: 2, FirstName: 'Jane' },
        time: '2026-11-20T10:00:00.000Z',
        value: 42.5,
        valueCurrency: 'USD',
        uniqueId: 'order-A-1',
        backfill: false,
      });
      expect(event?.attributes).toEqual(eventBody({ uniqueId: 'order-A-1' }).data.attributes);
      expect(mock.profiles().map((p) => p.email)).toEqual(['jane@example.com']);
      expect(lines).toContain(
        'klaviyo-mock ← event "Placed Order" for jane@example.com unique_id=order-A-1 (3 properties)',
      );
    });

    it('sends the steady-window RateLimit headers on a success', async () => {
      const reply = await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'u1' }));
      expect(reply.headers.get('ratelimit-limit')).toBe('3500');
      expect(reply.headers.get('ratelimit-remaining')).toBe('3499');
      expect(reply.headers.get('ratelimit-reset')).toBe('60');
    });

    it('accepts application/json as well as application/vnd.api+json', async () => {
      const headers = apiHeaders({ 'Content-Type': 'application/json; charset=utf-8' });
      expect((await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'u1' }), headers)).status).toBe(
        202,
      );
    });

    it('answers 400 with a pointer to a missing required field, and records nothing', async () => {
      const body = eventBody({ uniqueId: 'u1' });
      const attributes: Partial<typeof body.data.attributes> = { ...body.data.attributes };
      delete attributes.metric;
      const reply = await call(mock, 'POST', '/api/events', { data: { ...body.data, attributes } });

      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toBe('application/vnd.api+json');
      const error = firstError(reply);
      expect(error.code).toBe('invalid');
      expect(error.source).toEqual({ pointer: '/data/attributes/metric' });
      expect(error.detail).toContain('metric');
      expect(mock.events()).toEqual([]);
    });

    it('points at a nested field of the wrong type, through $refs and nullable', async () => {
      const body = eventBody({ uniqueId: 'u1' });
      Object.assign(body.data.attributes.profile.data.attributes, { location: { city: 12, latitude: 40.7 } });
      const error = firstError(await call(mock, 'POST', '/api/events', body));
      expect(error.source.pointer).toBe('/data/attributes/profile/data/attributes/location/city');

      Object.assign(body.data.attributes.profile.data.attributes, { location: null, first_name: null });
      expect((await call(mock, 'POST', '/api/events', body)).status).toBe(202);
    });

    it('rejects a wrong resource type and a malformed time', async () => {
      const wrongType = { data: { ...eventBody().data, type: 'events' } };
      expect(firstError(await call(mock, 'POST', '/api/events', wrongType)).source.pointer).toBe(
        '/data/type',
      );

      const badTime = firstError(await call(mock, 'POST', '/api/events', eventBody({ time: 'yesterday' })));
      expect(badTime.source.pointer).toBe('/data/attributes/time');
    });

    it("applies Klaviyo's documented rules: a profile identifier, ≤ 400 properties, time range", async () => {
      const anonymous = eventBody();
      anonymous.data.attributes.profile.data.attributes = {} as { email: string };
      expect(firstError(await call(mock, 'POST', '/api/events', anonymous)).source.pointer).toBe(
        '/data/attributes/profile/data/attributes',
      );

      const properties = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i]));
      expect(
        firstError(await call(mock, 'POST', '/api/events', eventBody({ properties }))).source.pointer,
      ).toBe('/data/attributes/properties');

      const ancient = firstError(
        await call(mock, 'POST', '/api/events', eventBody({ time: '1989-12-31T00:00:00Z' })),
      );
      expect(ancient.source.pointer).toBe('/data/attributes/time');
      expect(mock.events()).toEqual([]);
    });

    it('answers 400 parse_error for a body that is not JSON', async () => {
      const error = firstError(await call(mock, 'POST', '/api/events', '{"data": '));
      expect(error.code).toBe('parse_error');
    });

    it('answers 415 for an unsupported content type', async () => {
      const reply = await call(
        mock,
        'POST',
        '/api/events',
        eventBody(),
        apiHeaders({ 'Content-Type': 'text/plain' }),
      );
      expect(reply.status).toBe(415);
      expect(firstError(reply).code).toBe('unsupported_media_type');
    });
  });

  describe('authentication and revision', () => {
    it('answers 401 without an Authorization header', async () => {
      const reply = await call(
        mock,
        'POST',
        '/api/events',
        eventBody(),
        apiHeaders({ Authorization: undefined }),
      );
      expect(reply.status).toBe(401);
      expect(firstError(reply).code).toBe('not_authenticated');
      expect(reply.headers.get('ratelimit-limit')).toBeNull();
    });

    it('answers 401 for another scheme and for the wrong key', async () => {
      const bearer = await call(
        mock,
        'POST',
        '/api/events',
        eventBody(),
        apiHeaders({ Authorization: `Bearer ${KEY}` }),
      );
      expect(bearer.status).toBe(401);
      const wrong = await call(
        mock,
        'POST',
        '/api/events',
        eventBody(),
        apiHeaders({ Authorization: 'Klaviyo-API-Key pk_other' }),
      );
      expect(wrong.status).toBe(401);
      expect(firstError(wrong).code).toBe('authentication_failed');
      expect(mock.events()).toEqual([]);
    });

    it('answers 400 without a revision header, or with one that is not a date', async () => {
      const missing = await call(
        mock,
        'POST',
        '/api/events',
        eventBody(),
        apiHeaders({ revision: undefined }),
      );
      expect(missing.status).toBe(400);
      expect(firstError(missing).source).toEqual({ parameter: 'revision' });

      for (const revision of ['latest', '2026-13-01', '2026-02-30', '20260715']) {
        const bad = await call(mock, 'POST', '/api/events', eventBody(), apiHeaders({ revision }));
        expect(bad.status, revision).toBe(400);
      }
      const suffixed = await call(
        mock,
        'POST',
        '/api/events',
        eventBody({ uniqueId: 'x' }),
        apiHeaders({ revision: '2026-07-15.pre' }),
      );
      expect(suffixed.status).toBe(202);
    });
  });

  describe('deduplication', () => {
    it('accepts a repeated unique_id for the same profile and metric but records it once', async () => {
      const first = await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'order-1' }));
      const again = await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'order-1', value: 99 }));

      expect([first.status, again.status]).toEqual([202, 202]);
      expect(mock.events().map((e) => [e.uniqueId, e.value])).toEqual([['order-1', 42.5]]);
      expect(lines.some((l) => l.includes('unique_id=order-1: duplicate'))).toBe(true);
    });

    it('records the same unique_id again for another metric or another profile', async () => {
      await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'same' }));
      await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'same', metric: 'Fulfilled Order' }));
      await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'same', email: 'john@example.com' }));
      expect(mock.events()).toHaveLength(3);
    });

    it('without a unique_id dedupes on the event time to the second, as Klaviyo does', async () => {
      await call(mock, 'POST', '/api/events', eventBody({ time: '2026-11-20T10:00:00.100Z' }));
      await call(mock, 'POST', '/api/events', eventBody({ time: '2026-11-20T10:00:00.900Z' }));
      await call(mock, 'POST', '/api/events', eventBody({ time: '2026-11-20T10:00:01Z' }));
      expect(mock.events().map((e) => e.time)).toEqual([
        '2026-11-20T10:00:00.000Z',
        '2026-11-20T10:00:01.000Z',
      ]);
    });
  });

  describe('Bulk Create Events', () => {
    it('accepts events for several profiles with 202 and records each one', async () => {
      const body = bulkBody([
        {
          email: 'a@example.com',
          events: [{ uniqueId: 'a-1' }, { uniqueId: 'a-2', metric: 'Viewed Product' }],
        },
        { email: 'b@example.com', events: [{ uniqueId: 'b-1' }] },
      ]);
      const reply = await call(mock, 'POST', '/api/event-bulk-create-jobs', body);

      expect(reply.status).toBe(202);
      expect(reply.text).toBe('');
      expect(mock.events().map((e) => [e.via, e.profile.email, e.metric, e.uniqueId])).toEqual([
        ['bulk_create_events', 'a@example.com', 'Ordered Product', 'a-1'],
        ['bulk_create_events', 'a@example.com', 'Viewed Product', 'a-2'],
        ['bulk_create_events', 'b@example.com', 'Ordered Product', 'b-1'],
      ]);
      expect(reply.headers.get('ratelimit-limit')).toBe('150');
    });

    it('rejects the whole request when one unique_id appears twice', async () => {
      const body = bulkBody([
        { email: 'a@example.com', events: [{ uniqueId: 'dup' }, { uniqueId: 'fine' }] },
        { email: 'b@example.com', events: [{ uniqueId: 'dup' }] },
      ]);
      const reply = await call(mock, 'POST', '/api/event-bulk-create-jobs', body);

      expect(reply.status).toBe(400);
      const error = firstError(reply);
      expect(error.code).toBe('invalid');
      expect(error.source.pointer).toBe(
        '/data/attributes/events-bulk-create/data/1/attributes/events/data/0/attributes/unique_id',
      );
      expect(error.detail).toContain("'dup'");
      expect(error.detail).toContain(
        '/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/unique_id',
      );
      expect(mock.events()).toEqual([]);
      expect(mock.profiles()).toEqual([]);
    });

    it('accepts but does not re-record events whose unique_id an earlier request recorded', async () => {
      await call(
        mock,
        'POST',
        '/api/events',
        eventBody({ uniqueId: 'a-1', metric: 'Ordered Product', email: 'a@example.com' }),
      );
      const body = bulkBody([{ email: 'a@example.com', events: [{ uniqueId: 'a-1' }, { uniqueId: 'a-2' }] }]);
      expect((await call(mock, 'POST', '/api/event-bulk-create-jobs', body)).status).toBe(202);
      expect(mock.events().map((e) => [e.via, e.uniqueId])).toEqual([
        ['create_event', 'a-1'],
        ['bulk_create_events', 'a-2'],
      ]);
    });
  });

  describe('profiles', () => {
    it('creates with 201, updates with 200, keeps absent attributes and clears null ones', async () => {
      const created = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({
          email: 'jane@example.com',
          first_name: 'Jane',
          last_name: 'Doe',
          location: { city: 'Boston', zip: '02110' },
          properties: { tier: 'gold', points: 10 },
        }),
      );
      expect(created.status).toBe(201);
      expect(contract.operations.create_or_update_profile.validateResponse(created.json)).toBeNull();
      const id = (created.json as { data: { id: string } }).data.id;
      expect(id).toMatch(/^[0-9A-Z]{26}$/);

      clock += 5_000;
      const updated = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({
          email: 'jane@example.com',
          first_name: null,
          phone_number: '+15005550006',
          location: { zip: null },
          properties: { points: 11, tier: null },
        }),
      );
      expect(updated.status).toBe(200);
      const data = (updated.json as { data: { id: string; attributes: Record<string, unknown> } }).data;
      expect(data.id).toBe(id);
      expect(data.attributes).toMatchObject({
        email: 'jane@example.com',
        phone_number: '+15005550006',
        first_name: null,
        last_name: 'Doe',
        location: { city: 'Boston' },
        properties: { points: 11 },
      });

      const [profile, ...others] = mock.profiles();
      expect(others).toEqual([]);
      expect(profile).toMatchObject({
        id,
        email: 'jane@example.com',
        phone_number: '+15005550006',
        attributes: { last_name: 'Doe', location: { city: 'Boston' } },
        properties: { points: 11 },
        created: new Date(START).toISOString(),
        updated: new Date(START + 5_000).toISOString(),
      });
      expect(profile?.attributes).not.toHaveProperty('first_name');
    });

    it('finds the profile by phone number, external id or id', async () => {
      const created = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ phone_number: '+15005550006' }),
      );
      const id = (created.json as { data: { id: string } }).data.id;
      expect(
        (
          await call(
            mock,
            'POST',
            '/api/profile-import',
            profileBody({ phone_number: '+15005550006', external_id: 'c-9' }),
          )
        ).status,
      ).toBe(200);
      expect(
        (await call(mock, 'POST', '/api/profile-import', profileBody({ external_id: 'c-9', title: 'CTO' })))
          .status,
      ).toBe(200);
      expect(
        (await call(mock, 'POST', '/api/profile-import', profileBody({ organization: 'Acme' }, id))).status,
      ).toBe(200);
      expect(mock.profiles()).toMatchObject([
        {
          id,
          phone_number: '+15005550006',
          external_id: 'c-9',
          attributes: { title: 'CTO', organization: 'Acme' },
        },
      ]);
    });

    it('records events for a profile named by its Klaviyo id alone (empty attributes), singly and in bulk', async () => {
      const created = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ email: 'ada@example.com' }),
      );
      const id = (created.json as { data: { id: string } }).data.id;
      const single = eventBody({ uniqueId: 'by-id-1' });
      (single.data.attributes.profile.data as Record<string, unknown>) = {
        type: 'profile',
        id,
        attributes: {},
      };
      expect((await call(mock, 'POST', '/api/events', single)).status).toBe(202);

      const bulk = bulkBody([{ email: 'unused@example.com', events: [{ uniqueId: 'by-id-2' }] }]);
      const [entry] = bulk.data.attributes['events-bulk-create'].data;
      if (!entry) throw new Error('no bulk entry');
      (entry.attributes.profile.data as Record<string, unknown>) = { type: 'profile', id, attributes: {} };
      expect((await call(mock, 'POST', '/api/event-bulk-create-jobs', bulk)).status).toBe(202);

      expect(mock.events().map((e) => [e.uniqueId, e.profileId, e.profile])).toEqual([
        ['by-id-1', id, { id }],
        ['by-id-2', id, { id }],
      ]);
      expect(mock.profiles().map((p) => [p.id, p.email])).toEqual([[id, 'ada@example.com']]);
      expect(lines).toContain(
        `klaviyo-mock ← event "Placed Order" for profile ${id} unique_id=by-id-1 (3 properties)`,
      );
      // A profile import by id alone updates that profile.
      const updated = await call(mock, 'POST', '/api/profile-import', profileBody({ first_name: 'Ada' }, id));
      expect(updated.status).toBe(200);
      expect(mock.profiles()).toMatchObject([
        { id, email: 'ada@example.com', attributes: { first_name: 'Ada' } },
      ]);
    });

    it('answers 400 at the id for an id that names no profile, and records nothing', async () => {
      const unknown = eventBody();
      (unknown.data.attributes.profile.data as Record<string, unknown>) = {
        type: 'profile',
        id: '01HFAD5MDRT48NN8VN7H1NB0BH',
        attributes: {},
      };
      const reply = await call(mock, 'POST', '/api/events', unknown);
      expect(reply.status).toBe(400);
      expect(firstError(reply).source.pointer).toBe('/data/attributes/profile/data/id');
      const imported = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ first_name: 'Ada' }, '01HFAD5MDRT48NN8VN7H1NB0BH'),
      );
      expect(firstError(imported).source.pointer).toBe('/data/id');
      expect(mock.events()).toEqual([]);
      expect(mock.profiles()).toEqual([]);
    });

    it('answers 409 when the identifiers belong to two different profiles', async () => {
      await call(mock, 'POST', '/api/profile-import', profileBody({ email: 'a@example.com' }));
      await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ email: 'b@example.com', external_id: 'b' }),
      );
      const reply = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ email: 'a@example.com', external_id: 'b' }),
      );
      expect(reply.status).toBe(409);
      expect(firstError(reply).code).toBe('duplicate_profile');
    });

    it('requires a profile identifier', async () => {
      const error = firstError(
        await call(mock, 'POST', '/api/profile-import', profileBody({ first_name: 'Nobody' })),
      );
      expect(error.source.pointer).toBe('/data/attributes');
    });

    it('answers a bulk profile import with 202 and a job document, and applies it', async () => {
      const body = {
        data: {
          type: 'profile-bulk-import-job',
          attributes: {
            profiles: {
              data: [
                { type: 'profile', attributes: { email: 'x@example.com', first_name: 'X' } },
                { type: 'profile', attributes: { email: 'y@example.com' } },
              ],
            },
          },
        },
      };
      const reply = await call(mock, 'POST', '/api/profile-bulk-import-jobs', body);
      expect(reply.status).toBe(202);
      expect(contract.operations.bulk_import_profiles.validateResponse(reply.json)).toBeNull();
      expect(
        (reply.json as { data: { attributes: { total_count: number } } }).data.attributes.total_count,
      ).toBe(2);
      expect(mock.profiles().map((p) => p.email)).toEqual(['x@example.com', 'y@example.com']);
    });

    it('answers 413 for a profile import over 100 KB', async () => {
      const reply = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ email: 'big@example.com', title: 'x'.repeat(110_000) }),
      );
      expect(reply.status).toBe(413);
    });
  });

  describe('fault injection', () => {
    it('answers the next N requests with an injected status, then recovers', async () => {
      mock.inject({ status: 503, times: 2 });
      const statuses: number[] = [];
      for (const uniqueId of ['f1', 'f2', 'f3'])
        statuses.push((await call(mock, 'POST', '/api/events', eventBody({ uniqueId }))).status);

      expect(statuses).toEqual([503, 503, 202]);
      expect(mock.events().map((e) => e.uniqueId)).toEqual(['f3']);
      expect(mock.requests().map((r) => r.fault ?? null)).toEqual(['status 503', 'status 503', null]);
    });

    it('can target one path and answer 429 with a Retry-After', async () => {
      mock.inject({ status: 429, times: 1, retryAfter: 7, path: '/api/profile-import' });
      expect((await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'p1' }))).status).toBe(202);
      const throttledReply = await call(
        mock,
        'POST',
        '/api/profile-import',
        profileBody({ email: 'a@example.com' }),
      );
      expect(throttledReply.status).toBe(429);
      expect(throttledReply.headers.get('retry-after')).toBe('7');
      expect(firstError(throttledReply).code).toBe('throttled');
      expect(
        (await call(mock, 'POST', '/api/profile-import', profileBody({ email: 'a@example.com' }))).status,
      ).toBe(201);
    });

    it('can fail after processing, as when the response is lost', async () => {
      mock.inject({ status: 500, times: 1, phase: 'after' });
      expect((await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'lost' }))).status).toBe(500);
      expect((await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'lost' }))).status).toBe(202);
      expect(mock.events().map((e) => e.uniqueId)).toEqual(['lost']);
    });

    it("words injected client errors with Klaviyo's codes", async () => {
      mock.inject({ status: 401, times: 1 });
      const reply = await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'k1' }));
      expect(reply.status).toBe(401);
      expect(firstError(reply).code).toBe('not_authenticated');
    });

    it('delays requests by an injected latency', async () => {
      mock.inject({ latencyMs: 30, times: 1 });
      expect((await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'slow' }))).status).toBe(202);
      expect(mock.requests()[0]?.fault).toBe('latency 30ms');
    });

    it('fails a share of requests with a probability, before or after processing', async () => {
      const draws = [0.35, 0.1, 0.25, 0.9];
      const random = await startKlaviyoMock({
        apiKey: KEY,
        now: () => clock,
        random: () => draws.shift() ?? 1,
      });
      try {
        random.inject({ status: 503, probability: 0.2 });
        random.inject({ status: 500, probability: 0.1, phase: 'after' });
        const statuses: number[] = [];
        for (const uniqueId of ['r1', 'r2', 'r3', 'r4'])
          statuses.push((await call(random, 'POST', '/api/events', eventBody({ uniqueId }))).status);
        expect(statuses).toEqual([202, 503, 500, 202]);
        // The 500 came after the event was recorded; the 503 before.
        expect(random.events().map((e) => e.uniqueId)).toEqual(['r1', 'r3', 'r4']);
        expect(random.requests().map((r) => r.fault ?? null)).toEqual([
          null,
          'status 503',
          'status 500 after processing',
          null,
        ]);
        // It stays until cleared.
        expect((await call(random, 'GET', '/_mock/faults', undefined, {})).json).toMatchObject({ count: 2 });
      } finally {
        await random.close();
      }
    });

    it('records each request’s User-Agent, to tell apart clients sharing an account', async () => {
      await call(
        mock,
        'POST',
        '/api/events',
        eventBody({ uniqueId: 'ua1' }),
        apiHeaders({ 'User-Agent': 'other/1.0' }),
      );
      expect(mock.requests()[0]?.userAgent).toBe('other/1.0');
    });

    it('takes faults over HTTP at POST /_mock/faults', async () => {
      const added = await call(
        mock,
        'POST',
        '/_mock/faults',
        { status: 502, times: 1, path: '/api/events' },
        {},
      );
      expect(added.status).toBe(201);
      expect((await call(mock, 'GET', '/_mock/faults', undefined, {})).json).toEqual({
        count: 1,
        faults: [{ status: 502, times: 1, path: '/api/events' }],
      });
      expect((await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'h1' }))).status).toBe(502);

      const rejected = await call(mock, 'POST', '/_mock/faults', { status: 200, times: 1 }, {});
      expect(rejected.status).toBe(400);
    });
  });

  describe('/_mock endpoints and routing', () => {
    it('lists events, profiles and requests as JSON', async () => {
      await call(mock, 'POST', '/api/events', eventBody({ uniqueId: 'm1' }));
      await call(
        mock,
        'POST',
        '/api/events',
        eventBody({ uniqueId: 'm1' }),
        apiHeaders({ revision: undefined }),
      );

      const events = await call(mock, 'GET', '/_mock/events', undefined, {});
      expect(events.headers.get('content-type')).toBe('application/json');
      expect(events.json).toMatchObject({ count: 1, events: [{ metric: 'Placed Order', uniqueId: 'm1' }] });
      expect((await call(mock, 'GET', '/_mock/profiles', undefined, {})).json).toMatchObject({
        count: 1,
        profiles: [{ email: 'jane@example.com' }],
      });
      expect((await call(mock, 'GET', '/_mock/requests', undefined, {})).json).toEqual({
        count: 2,
        requests: [
          {
            method: 'POST',
            path: '/api/events',
            status: 202,
            at: new Date(START).toISOString(),
            operation: 'create_event',
            userAgent: USER_AGENT,
          },
          {
            method: 'POST',
            path: '/api/events',
            status: 400,
            at: new Date(START).toISOString(),
            operation: 'create_event',
            errorCode: 'invalid',
            userAgent: USER_AGENT,
          },
        ],
      });

      expect((await call(mock, 'POST', '/_mock/reset', undefined, {})).status).toBe(204);
      expect(mock.events()).toEqual([]);
      expect(mock.requests()).toEqual([]);
    });

    it("answers unknown paths 404 and wrong methods 405 in Klaviyo's error shape", async () => {
      const unknown = await call(mock, 'POST', '/api/lists', {});
      expect(unknown.status).toBe(404);
      expect(firstError(unknown).code).toBe('not_found');
      const wrongMethod = await call(mock, 'GET', '/api/events');
      expect(wrongMethod.status).toBe(405);
      expect(firstError(wrongMethod).code).toBe('method_not_allowed');
    });

    it('accepts the trailing slash the Klaviyo SDKs send', async () => {
      expect((await call(mock, 'POST', '/api/events/', eventBody({ uniqueId: 's' }))).status).toBe(202);
    });
  });

  // DNS rebinding: a web page whose name resolves to 127.0.0.1 would read the recorded events.
  describe('on loopback, a foreign Host', () => {
    const getWithHost = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${mock.url}/_mock/events`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });

    it('is refused with 403', async () => {
      expect(await getWithHost('attacker.example')).toBe(403);
    });

    it('but localhost is served', async () => {
      expect(await getWithHost('localhost:1234')).toBe(200);
    });
  });
});

describe('klaviyo mock rate limits', () => {
  let mock: KlaviyoMock | undefined;
  let clock = START;
  const start = async (options: KlaviyoMockOptions): Promise<KlaviyoMock> => {
    clock = START;
    mock = await startKlaviyoMock({ now: () => clock, ...options });
    return mock;
  };
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  it('throttles past the burst limit with 429, Retry-After and no RateLimit headers, then lets through', async () => {
    const m = await start({ timeScale: 60, limits: { create_event: { burst: 3, steady: 5 } } });
    const remaining: (string | null)[] = [];
    for (const uniqueId of ['r1', 'r2', 'r3']) {
      const reply = await call(m, 'POST', '/api/events', eventBody({ uniqueId }));
      expect(reply.status).toBe(202);
      expect(reply.headers.get('ratelimit-limit')).toBe('5');
      remaining.push(reply.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['4', '3', '2']);

    const throttledReply = await call(m, 'POST', '/api/events', eventBody({ uniqueId: 'r4' }));
    expect(throttledReply.status).toBe(429);
    expect(firstError(throttledReply).code).toBe('throttled');
    expect(throttledReply.headers.get('retry-after')).toBe('1');
    // The burst window is 1000 ms / 60: the exact scaled wait and Klaviyo's own (unscaled) figure.
    expect(throttledReply.headers.get('x-mock-retry-after-ms')).toBe('17');
    expect(throttledReply.headers.get('x-mock-retry-after-unscaled')).toBe('1');
    expect(throttledReply.headers.get('ratelimit-remaining')).toBeNull();

    clock += 17;
    expect((await call(m, 'POST', '/api/events', eventBody({ uniqueId: 'r4' }))).status).toBe(202);
    expect(m.events()).toHaveLength(4);
  });

  it('throttles past the steady limit until the scaled minute is over', async () => {
    const m = await start({ timeScale: 60, limits: { '/api/events': { burst: 100, steady: 5 } } });
    for (let i = 0; i < 5; i++) {
      clock += 20; // a new burst window each time
      expect((await call(m, 'POST', '/api/events', eventBody({ uniqueId: `s${i}` }))).status).toBe(202);
    }
    const reply = await call(m, 'POST', '/api/events', eventBody({ uniqueId: 's5' }));
    expect(reply.status).toBe(429);
    // The scaled minute (1000 ms) opened with the first request, 80 ms before this one.
    expect(reply.headers.get('x-mock-retry-after-ms')).toBe('920');
    expect(reply.headers.get('x-mock-retry-after-unscaled')).toBe('56');
    expect(reply.headers.get('retry-after')).toBe('1');

    clock += 920;
    const after = await call(m, 'POST', '/api/events', eventBody({ uniqueId: 's5' }));
    expect(after.status).toBe(202);
    expect(after.headers.get('ratelimit-remaining')).toBe('4');
  });

  it('enforces the published bulk limit (10/s) per API key', async () => {
    const m = await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const body = bulkBody([{ email: 'a@example.com', events: [{ uniqueId: `b${i}` }] }]);
      statuses.push((await call(m, 'POST', '/api/event-bulk-create-jobs', body)).status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(202), 429]);

    const otherKey = apiHeaders({ Authorization: 'Klaviyo-API-Key pk_other_account' });
    const body = bulkBody([{ email: 'a@example.com', events: [{ uniqueId: 'other' }] }]);
    expect((await call(m, 'POST', '/api/event-bulk-create-jobs', body, otherKey)).status).toBe(202);
    // Another endpoint has its own budget.
    expect((await call(m, 'POST', '/api/events', eventBody({ uniqueId: 'e' }))).status).toBe(202);
  });

  it('sends no RateLimit headers and never throttles with limits off', async () => {
    const m = await start({ limits: 'off' });
    for (let i = 0; i < 12; i++) {
      const body = bulkBody([{ email: 'a@example.com', events: [{ uniqueId: `o${i}` }] }]);
      const reply = await call(m, 'POST', '/api/event-bulk-create-jobs', body);
      expect(reply.status).toBe(202);
      expect(reply.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

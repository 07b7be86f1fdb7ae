// Klaviyo's published OpenAPI files as an extra check of the project's own contract: the bodies the relay
// builds must satisfy them, and our operation files must not drift from them. The files are not part of the
// repository: when KLAVIYO_OPENAPI_DIR (or ../shared/klaviyo-openapi beside the clone) holds them, this runs;
// otherwise it is skipped with a warning. The drift check itself is tested on small documents either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBulkRequests } from '../../functions/deliver/bulk-plan.ts';
import {
  bulkCreateEventsBody,
  createEventBody,
  profileImportBody,
} from '../../functions/deliver/klaviyo-requests.ts';
import { loadKlaviyoContract, startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock, KlaviyoOperationId, OperationFile } from '../../local/klaviyo-mock/index.ts';
import {
  OPENAPI_FILES,
  contractDrift,
  loadOpenApiOperations,
  openApiSchemaToJsonSchema,
  openApiSource,
} from '../helpers/klaviyo-openapi.ts';
import {
  acceptedConsentBodies,
  bulkImportBody,
  subscribeBody,
  unsubscribeBody,
} from '../helpers/klaviyo-mock-calls.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';
import { planRecordJobs } from '../../functions/deliver/record-jobs.ts';
import { recordFixture } from '../helpers/record-messages.ts';
import { backInStockBody } from '../../functions/deliver/deliver-back-in-stock.ts';
import { backInStockFixture } from '../helpers/back-in-stock-messages.ts';

const source = openApiSource();
if (!source.present && !source.explicit) {
  const bar = '!'.repeat(100);
  console.warn(
    `\n${bar}\nSKIPPING the conformance check against Klaviyo's OpenAPI files:\n` +
      `  - missing ${OPENAPI_FILES.join(', ')} in ${source.dir}\n` +
      '    (the klaviyo/openapi repository, openapi/stable/apis/; set KLAVIYO_OPENAPI_DIR to their folder).\n' +
      "The project's own contract (local/klaviyo-mock/contract/) is still used by every other test.\n" +
      `${bar}\n`,
  );
}

describe('openApiSchemaToJsonSchema', () => {
  it('turns nullable into a null type, adding null to an enum', () => {
    expect(openApiSchemaToJsonSchema({ type: 'string', nullable: true, example: 'x' })).toEqual({
      type: ['string', 'null'],
    });
    expect(openApiSchemaToJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
  });

  it('honours nullable beside a $ref and beside oneOf, and rewrites component refs', () => {
    expect(
      openApiSchemaToJsonSchema({ $ref: '#/components/schemas/ProfileLocation', nullable: true }),
    ).toEqual({
      anyOf: [{ $ref: '#/definitions/ProfileLocation' }, { type: 'null' }],
    });
    expect(
      openApiSchemaToJsonSchema({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }] }),
    ).toEqual({
      oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }],
    });
  });

  it('offers null beside a typed schema that also composes others', () => {
    const schema = { type: 'object', allOf: [{ required: ['a'] }], nullable: true };
    expect(openApiSchemaToJsonSchema(schema)).toEqual({
      anyOf: [{ type: 'object', allOf: [{ required: ['a'] }] }, { type: 'null' }],
    });
  });

  it('converts boolean exclusive bounds and drops extensions', () => {
    expect(
      openApiSchemaToJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true, 'x-klaviyo': 1 }),
    ).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(openApiSchemaToJsonSchema({ type: 'number', maximum: 9, exclusiveMaximum: false })).toEqual({
      type: 'number',
      maximum: 9,
    });
  });

  it('walks only schema positions: a property named nullable or example is kept', () => {
    const converted = openApiSchemaToJsonSchema({
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: 'string', nullable: true } },
      required: ['nullable'],
    });
    expect(converted).toEqual({
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: ['string', 'null'] } },
      required: ['nullable'],
    });
  });
});

interface SyntheticFile extends OperationFile {
  request: { type: string; required: string[]; properties: { data: Record<string, unknown> } };
  definitions: { event: { type: string; required: string[]; properties: Record<string, unknown> } };
}

// A small OpenAPI document shaped like Klaviyo's, and an operation file that matches it exactly.
function syntheticPair(): { document: Record<string, unknown>; ours: SyntheticFile } {
  const document = {
    openapi: '3.0.2',
    info: { version: '2026-07-15' },
    paths: {
      '/api/things': {
        post: {
          operationId: 'bulk_create_events',
          description: 'Accepts up to 5 events per request. The maximum allowed payload size is 1KB.',
          'x-klaviyo-ratelimit': { burst: '3/s', steady: '30/m' },
          parameters: [{ name: 'revision', in: 'header', schema: { type: 'string', default: '2026-07-15' } }],
          requestBody: {
            content: { 'application/vnd.api+json': { schema: { $ref: '#/components/schemas/Query' } } },
          },
          responses: { '202': { description: 'Success' } },
        },
      },
    },
    components: {
      schemas: {
        Query: {
          type: 'object',
          required: ['data'],
          properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Event' } } },
        },
        Event: {
          type: 'object',
          required: ['type', 'name'],
          properties: {
            type: { $ref: '#/components/schemas/EventEnum' },
            name: { type: 'string', description: 'Must be less than 11 characters.' },
            when: { type: 'string', format: 'date-time', nullable: true },
            tags: { type: 'object', description: 'Tags (must not exceed 3 properties).' },
            where: { $ref: '#/components/schemas/Place', nullable: true },
          },
        },
        EventEnum: { type: 'string', enum: ['event'] },
        Place: {
          type: 'object',
          properties: { lat: { nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }] } },
        },
      },
    },
  };
  const ours: SyntheticFile = {
    operationId: 'bulk_create_events',
    method: 'POST',
    path: '/api/things',
    revision: '2026-07-15',
    rateLimit: { burst: 3, steady: 30 },
    success: [202],
    limits: { maxBodyBytes: 1024, maxEventsPerRequest: 5 },
    request: {
      type: 'object',
      required: ['data'],
      properties: { data: { type: 'array', maxItems: 5, items: { $ref: '#/definitions/event' } } },
    },
    definitions: {
      event: {
        type: 'object',
        required: ['type', 'name'],
        properties: {
          type: { enum: ['event'] },
          name: { type: 'string', maxLength: 10 },
          when: { type: ['string', 'null'], format: 'date-time' },
          tags: { type: 'object', maxProperties: 3 },
          where: {
            type: ['object', 'null'],
            properties: { lat: { type: ['string', 'number', 'null'] } },
          },
        },
      },
    },
  };
  return { document, ours };
}

describe('contractDrift', () => {
  it('finds nothing when our file says what the document says', () => {
    const { document, ours } = syntheticPair();
    expect(contractDrift(ours, document)).toEqual([]);
  });

  const cases: [string, (ours: SyntheticFile) => void, string | string[]][] = [
    [
      'a required field dropped',
      (o) => {
        o.definitions.event.required = ['type'];
      },
      "bulk_create_events request /data/*: Klaviyo requires 'name'; ours does not",
    ],
    [
      'a field required that Klaviyo does not require',
      (o) => {
        o.definitions.event.required.push('when');
      },
      "bulk_create_events request /data/*: ours requires 'when'; Klaviyo does not",
    ],
    [
      'null no longer allowed',
      (o) => {
        o.definitions.event.properties.when = { type: 'string', format: 'date-time' };
      },
      'bulk_create_events request /data/*/when: type null|string at Klaviyo, string in ours',
    ],
    [
      'a format lost',
      (o) => {
        o.definitions.event.properties.when = { type: ['string', 'null'] };
      },
      'bulk_create_events request /data/*/when: format date-time at Klaviyo, none in ours',
    ],
    [
      'an enum value changed',
      (o) => {
        o.definitions.event.properties.type = { enum: ['events'] };
      },
      'bulk_create_events request /data/*/type: enum "event" at Klaviyo, "events" in ours',
    ],
    [
      'a documented length limit changed',
      (o) => {
        o.definitions.event.properties.name = { type: 'string', maxLength: 11 };
      },
      'bulk_create_events request /data/*/name: maxLength 10 at Klaviyo, 11 in ours',
    ],
    [
      'a documented properties limit dropped',
      (o) => {
        o.definitions.event.properties.tags = { type: 'object' };
      },
      'bulk_create_events request /data/*/tags: maxProperties 3 at Klaviyo, none in ours',
    ],
    [
      'the items-per-request limit changed',
      (o) => {
        o.request.properties.data.maxItems = 50;
      },
      'bulk_create_events request /data: maxItems 5 at Klaviyo, 50 in ours',
    ],
    [
      'a field Klaviyo does not have',
      (o) => {
        o.definitions.event.properties.colour = { type: 'string' };
      },
      "bulk_create_events request /data/*/colour: ours describes it; Klaviyo's document does not",
    ],
    [
      'a nested type narrowed',
      (o) => {
        o.definitions.event.properties.where = {
          type: ['object', 'null'],
          properties: { lat: { type: 'number' } },
        };
      },
      'bulk_create_events request /data/*/where/lat: type null|number|string at Klaviyo, number in ours',
    ],
    [
      'the path',
      (o) => {
        o.path = '/api/thing';
      },
      'bulk_create_events path: /api/things at Klaviyo, /api/thing in ours',
    ],
    [
      'the method',
      (o) => {
        o.method = 'PUT';
      },
      'bulk_create_events method: POST at Klaviyo, PUT in ours',
    ],
    [
      'the revision',
      (o) => {
        o.revision = '2026-10-15';
      },
      [
        'bulk_create_events revision: 2026-07-15 at Klaviyo, 2026-10-15 in ours',
        'bulk_create_events revision header default: 2026-07-15 at Klaviyo, 2026-10-15 in ours',
      ],
    ],
    [
      'the burst rate',
      (o) => {
        o.rateLimit.burst = 4;
      },
      'bulk_create_events rate limit burst: 3/s at Klaviyo, 4/s in ours',
    ],
    [
      'the steady rate',
      (o) => {
        o.rateLimit.steady = 60;
      },
      'bulk_create_events rate limit steady: 30/m at Klaviyo, 60/m in ours',
    ],
    [
      'the payload size',
      (o) => {
        o.limits.maxBodyBytes = 1000;
      },
      'bulk_create_events payload size: 1024 bytes at Klaviyo, 1000 in ours',
    ],
    [
      'the events per request',
      (o) => {
        delete o.limits.maxEventsPerRequest;
      },
      'bulk_create_events events per request: 5 at Klaviyo, none in ours',
    ],
    [
      'the success statuses',
      (o) => {
        o.success = [200];
      },
      'bulk_create_events success statuses: 202 at Klaviyo, 200 in ours',
    ],
    [
      'a response schema Klaviyo does not document',
      (o) => {
        o.response = { type: 'object' };
      },
      'bulk_create_events response: Klaviyo documents no success body; ours has a response schema',
    ],
  ];
  it.each(cases)('reports %s', (_what, doctor, expected) => {
    const { document, ours } = syntheticPair();
    doctor(ours);
    expect(contractDrift(ours, document)).toEqual([expected].flat());
  });

  it('reads the per-call limit as the consent operations state it ("Maximum number of profiles per call")', () => {
    const { document, ours } = syntheticPair();
    const op = (document.paths as Record<string, { post: Record<string, unknown> }>)['/api/things']?.post;
    if (op) op.description = 'Maximum number of events per call: 5. The maximum allowed payload size is 1KB.';
    expect(contractDrift(ours, document)).toEqual([]);
    ours.request.properties.data.maxItems = 6;
    expect(contractDrift(ours, document)).toEqual([
      'bulk_create_events request /data: maxItems 5 at Klaviyo, 6 in ours',
    ]);
  });

  it('reads the per-record size, and a per-request count whose resource type ends with the noun', () => {
    const { document, ours } = syntheticPair();
    const op = (document.paths as Record<string, { post: Record<string, unknown> }>)['/api/things']?.post;
    if (op)
      op.description =
        'Accepts up to 5 events per request. The maximum allowed payload size is 1KB. ' +
        'The maximum allowed payload size per-record is 1KB.';
    const schemas = (document.components as { schemas: { EventEnum: { enum: string[] } } }).schemas;
    schemas.EventEnum.enum = ['custom-event'];
    ours.definitions.event.properties.type = { enum: ['custom-event'] };
    expect(contractDrift(ours, document)).toEqual([
      'bulk_create_events record size: 1024 bytes at Klaviyo, none in ours',
    ]);
    ours.limits.maxRecordBytes = 1024;
    expect(contractDrift(ours, document)).toEqual([]);
  });

  it('reports a limit Klaviyo no longer states, and a new required field in its document', () => {
    const { document, ours } = syntheticPair();
    const op = (document.paths as Record<string, { post: Record<string, unknown> }>)['/api/things']?.post;
    if (op) op.description = 'Accepts a batch of events.';
    const event = (document.components as { schemas: { Event: { required: string[] } } }).schemas.Event;
    event.required.push('when');
    expect(contractDrift(ours, document)).toEqual([
      'bulk_create_events payload size: not stated bytes at Klaviyo, 1024 in ours',
      'bulk_create_events events per request: not stated at Klaviyo, 5 in ours',
      'bulk_create_events request /data: maxItems none at Klaviyo, 5 in ours',
      "bulk_create_events request /data/*: Klaviyo requires 'when'; ours does not",
    ]);
  });
});

const upsert = (overrides: Record<string, unknown> = {}) =>
  upsertFixture('d-1', {
    attributes: { first_name: 'Ada', title: null },
    location: { city: 'London', latitude: 51.5, longitude: '-0.1276', region: null },
    properties: { vip: true, tags: ['a', 'b'], old_flag: null },
    ...overrides,
  });

/** Unicode where people put it: names, cities, metric names, property keys and values. */
const unicodeEvent = eventFixture(8, {
  metric: 'Commande passée ✓',
  profile: { email: 'zoë@exämple.com', external_id: '客户-42' },
  properties: {
    produit_nom: 'Crème brûlée 🍮',
    名前: '山田太郎',
    rtl: 'مرحبا',
    combining: 'e\u0301',
    tags: ['🎁', 'ß', '∑'],
  },
});

/** The request bodies the relay builds, through its real builders: events, bulk, profiles. */
function relayBodies(): { operationId: KlaviyoOperationId; label: string; body: unknown }[] {
  const withoutValue = eventFixture(2);
  delete withoutValue.value;
  const thousand = Array.from({ length: 1_000 }, (_, i) => ({ id: `m${i}`, event: eventFixture(i) }));
  const [fullBulk, ...moreBulk] = planBulkRequests(thousand).requests;
  if (moreBulk.length > 0) throw new Error('1,000 events should make one bulk request');
  const oneProfile = Array.from({ length: 1_000 }, (_, i) => ({
    id: `p${i}`,
    event: eventFixture(i, { profile: { phone_number: '+15005550006' }, unique_id: `demo:p-${i}` }),
  }));
  const [oneEntry] = planBulkRequests(oneProfile).requests;
  const profiles = [
    profileImportBody(upsert()),
    profileImportBody(upsert({ location: null })),
    profileImportBody(upsert({ attributes: {}, location: undefined, properties: undefined })),
    profileImportBody(
      upsert({
        profile: { phone_number: '+4930123456', external_id: 'kunde-ü' },
        attributes: { first_name: 'Zoë', last_name: '山田', organization: 'Ünïcødé GmbH', locale: 'de-CH' },
        location: { city: 'Zürich', country: 'Schweiz', latitude: '47.3769', timezone: 'Europe/Zurich' },
        properties: { lieblings_farbe: 'grün', emoji: '🦄', empty: '' },
      }),
    ),
  ];
  // Klaviyo's own profile id (a system webhook's profile): the resource's data.id, not an attribute.
  const klaviyoId = '01HFAD5MDRT48NN8VN7H1NB0BH';
  const byId = Array.from({ length: 4 }, (_, i) => ({
    id: `k${i}`,
    event: eventFixture(i, {
      profile:
        i % 2 === 0 ? { id: klaviyoId } : { id: `01HFAD5MDRT48NN8VN7H1NB0B${i}`, email: `k${i}@example.com` },
    }),
  }));
  const [byIdBulk] = planBulkRequests(byId).requests;
  return [
    { operationId: 'create_event', label: 'an event', body: createEventBody(eventFixture(1)) },
    {
      operationId: 'create_event',
      label: 'an event for a profile named by Klaviyo id alone',
      body: createEventBody(eventFixture(4, { profile: { id: klaviyoId } })),
    },
    {
      operationId: 'create_event',
      label: 'an event for a profile by Klaviyo id and email',
      body: createEventBody(eventFixture(5, { profile: { id: klaviyoId, email: 'ada@example.com' } })),
    },
    { operationId: 'bulk_create_events', label: 'profiles by Klaviyo id', body: byIdBulk?.body },
    {
      operationId: 'create_or_update_profile',
      label: 'a profile by Klaviyo id alone',
      body: profileImportBody(upsert({ profile: { id: klaviyoId } })),
    },
    {
      operationId: 'create_or_update_profile',
      label: 'a profile by Klaviyo id, identifiers only',
      body: profileImportBody(
        upsert({
          profile: { id: klaviyoId, phone_number: '+15005550006' },
          attributes: {},
          location: undefined,
          properties: undefined,
        }),
      ),
    },
    {
      operationId: 'create_event',
      label: 'a backfilled event without value',
      body: createEventBody({ ...withoutValue, backfill: true }),
    },
    { operationId: 'create_event', label: 'unicode everywhere', body: createEventBody(unicodeEvent) },
    {
      operationId: 'create_event',
      label: 'a 127-character metric, by phone number',
      body: createEventBody(
        eventFixture(3, { metric: 'm'.repeat(127), profile: { phone_number: '+15005550006' } }),
      ),
    },
    { operationId: 'bulk_create_events', label: '1,000 events for 7 profiles', body: fullBulk?.body },
    { operationId: 'bulk_create_events', label: '1,000 events of one profile', body: oneEntry?.body },
    {
      operationId: 'bulk_create_events',
      label: 'backfill and unicode',
      body: bulkCreateEventsBody([
        { profile: unicodeEvent.profile, events: [unicodeEvent, eventFixture(9, { backfill: true })] },
      ]),
    },
    ...profiles.map((body, i) => ({
      operationId: 'create_or_update_profile' as const,
      label: ['nulls that clear', 'a null location', 'identifiers only', 'unicode'][i] ?? '',
      body,
    })),
    {
      operationId: 'bulk_import_profiles',
      label: 'the same profiles as one import job, with a list',
      body: {
        data: {
          type: 'profile-bulk-import-job',
          attributes: { profiles: { data: profiles.map((p) => p.data) } },
          relationships: { lists: { data: [{ type: 'list', id: 'Y6nRLr' }] } },
        },
      },
    },
    ...recordBodies(),
    {
      operationId: 'create_back_in_stock_subscription',
      label: 'by email and phone, on email and SMS',
      body: backInStockBody(
        backInStockFixture('b', {
          profile: { email: 'zoë@exämple.com', phone_number: '+15005550006' },
          channels: ['EMAIL', 'SMS'],
        }),
      ),
    },
    {
      operationId: 'create_back_in_stock_subscription',
      label: 'by Klaviyo id and external id',
      body: backInStockBody(backInStockFixture('c', { profile: { id: '01K', external_id: 'kunde-ü' } })),
    },
  ];
}

/** Custom-object record jobs as deliver builds them: a full bulk job, and a record alone (unicode, nested). */
function recordBodies() {
  const full = planRecordJobs(
    Array.from({ length: 500 }, (_, i) => ({ id: `r${i}`, message: recordFixture(`r${i}`) })),
  );
  const alone = planRecordJobs([
    {
      id: 'u',
      message: recordFixture('ticket-ü', {
        record: { subject: 'Crème brûlée 🍮', tags: ['a', 'b'], requester: { name: '山田' }, priority: null },
      }),
    },
  ]);
  return [
    {
      operationId: 'bulk_create_data_source_records' as const,
      label: '500 records of one data source',
      body: full.jobs[0]?.body,
    },
    {
      operationId: 'create_data_source_record' as const,
      label: 'a record alone, unicode and nested',
      body: alone.jobs[0]?.body,
    },
  ];
}

describe.runIf(source.explicit)('KLAVIYO_OPENAPI_DIR', () => {
  it("holds Klaviyo's operation files", () => {
    expect(source.present, `KLAVIYO_OPENAPI_DIR=${source.dir} lacks ${OPENAPI_FILES.join(', ')}`).toBe(true);
  });
});

describe.runIf(source.present)(`against Klaviyo's OpenAPI files in ${source.dir}`, () => {
  // Read on first use, not here: vitest runs the body of a skipped describe too, to collect its tests.
  let loaded: ReturnType<typeof loadOpenApiOperations> | undefined;
  const klaviyo = () => (loaded ??= loadOpenApiOperations(source.dir));
  const ours = loadKlaviyoContract();
  const document = (operationId: KlaviyoOperationId) => klaviyo()[operationId].document;

  it('our contract has not drifted from them', () => {
    const drift = Object.values(ours.operations).flatMap((op) =>
      contractDrift(op.file, document(op.operationId)),
    );
    expect(drift).toEqual([]);
  });

  it('the drift check notices a required field removed from our schema, and a changed limit', () => {
    const event = structuredClone(ours.operations.create_event.file);
    const attributes = (
      event.request?.properties as { data: { properties: { attributes: { required: string[] } } } }
    ).data.properties.attributes;
    attributes.required = attributes.required.filter((name) => name !== 'metric');
    expect(contractDrift(event, document('create_event'))).toEqual([
      "create_event request /data/attributes: Klaviyo requires 'metric'; ours does not",
    ]);

    const bulk = structuredClone(ours.operations.bulk_import_profiles.file);
    const profiles = (
      bulk.request?.properties as {
        data: {
          properties: {
            attributes: { properties: { profiles: { properties: { data: { maxItems: number } } } } };
          };
        };
      }
    ).data.properties.attributes.properties.profiles.properties.data;
    profiles.maxItems = 1_000;
    bulk.rateLimit.steady = 300;
    expect(contractDrift(bulk, document('bulk_import_profiles'))).toEqual([
      'bulk_import_profiles rate limit steady: 150/m at Klaviyo, 300/m in ours',
      'bulk_import_profiles request /data/attributes/profiles/data: maxItems 10000 at Klaviyo, 1000 in ours',
    ]);
  });

  it.each(relayBodies().map((b) => [b.operationId, b.label, b.body] as const))(
    '%s: %s satisfies their schema and ours',
    (operationId, _label, body) => {
      expect(body).toBeDefined();
      expect(klaviyo()[operationId].validateBody(body)).toBeNull();
      expect(ours.operations[operationId].validateBody(body)).toBeNull();
    },
  );

  it('bodies their schema refuses, ours refuses at the same field', () => {
    const event = createEventBody(eventFixture(1));
    const noMetric = structuredClone(event) as {
      data: { attributes: Partial<typeof event.data.attributes> };
    };
    delete noMetric.data.attributes.metric;
    const wrongType = { data: { ...event.data, type: 'events' } };
    const badTime = { data: { ...event.data, attributes: { ...event.data.attributes, time: 'yesterday' } } };
    const cityNumber = structuredClone(event) as unknown as {
      data: { attributes: { profile: { data: { attributes: Record<string, unknown> } } } };
    };
    cityNumber.data.attributes.profile.data.attributes.location = { city: 12 };
    const latitudeObject = { data: { type: 'profile', attributes: { location: { latitude: { deg: 40 } } } } };
    const noEvents = bulkCreateEventsBody([{ profile: { email: 'a@example.com' }, events: [] }]) as {
      data: { attributes: { 'events-bulk-create': { data: { attributes: Record<string, unknown> }[] } } };
    };
    delete noEvents.data.attributes['events-bulk-create'].data[0]?.attributes.events;

    const ada = subscribeBody([{ email: 'ada@example.com', email_marketing: true }]);
    const adaOut = unsubscribeBody([{ email: 'ada@example.com', email_marketing: true }]);
    const channel = '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing';
    const noSubscriptions = {
      data: {
        ...ada.data,
        attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'a@example.com' } }] } },
      },
    };
    const lastWeek = subscribeBody(
      [{ email: 'a@example.com', email_marketing: { consented_at: 'last week' } }],
      {
        historicalImport: true,
      },
    );

    const cases: [KlaviyoOperationId, unknown, string][] = [
      ['create_event', noMetric, '/data/attributes/metric'],
      ['create_event', wrongType, '/data/type'],
      ['create_event', badTime, '/data/attributes/time'],
      ['create_event', cityNumber, '/data/attributes/profile/data/attributes/location/city'],
      ['create_or_update_profile', latitudeObject, '/data/attributes/location/latitude'],
      ['bulk_create_events', noEvents, '/data/attributes/events-bulk-create/data/0/attributes/events'],
      ['bulk_import_profiles', {}, '/data'],
      [
        'bulk_subscribe_profiles',
        { data: { ...ada.data, type: 'profile-subscription-bulk-delete-job' } },
        '/data/type',
      ],
      [
        'bulk_subscribe_profiles',
        { data: { ...ada.data, attributes: adaOut.data.attributes } },
        `${channel}/consent`,
      ],
      [
        'bulk_subscribe_profiles',
        noSubscriptions,
        '/data/attributes/profiles/data/0/attributes/subscriptions',
      ],
      ['bulk_subscribe_profiles', lastWeek, `${channel}/consented_at`],
      [
        'bulk_unsubscribe_profiles',
        { data: { ...adaOut.data, attributes: ada.data.attributes } },
        `${channel}/consent`,
      ],
    ];
    for (const [operationId, body, pointer] of cases) {
      expect(klaviyo()[operationId].validateBody(body)?.pointer, `${operationId} ${pointer}`).toBe(pointer);
      expect(ours.operations[operationId].validateBody(body)?.pointer, `${operationId} ${pointer}`).toBe(
        pointer,
      );
    }
  });

  it.each(
    [
      ...acceptedConsentBodies(),
      {
        operationId: 'bulk_import_profiles' as const,
        label: 'rows the mock refuses one by one (bad email, phone not E.164)',
        body: bulkImportBody([{ email: 'not-an-email' }, { phone_number: '030 123456' }], ['Y6nRLr']),
      },
    ].map((b) => [b.operationId, b.label, b.body] as const),
  )("%s: the mock's example %s satisfies their schema and ours", (operationId, _label, body) => {
    expect(klaviyo()[operationId].validateBody(body)).toBeNull();
    expect(ours.operations[operationId].validateBody(body)).toBeNull();
  });

  it('limits Klaviyo states only in prose are schema keywords in ours', () => {
    const properties = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i]));
    const tooMany = createEventBody(eventFixture(1, { properties }));
    expect(klaviyo().create_event.validateBody(tooMany)).toBeNull();
    expect(ours.operations.create_event.validateBody(tooMany)?.pointer).toBe('/data/attributes/properties');
  });

  describe("the mock's success documents", () => {
    let mock: KlaviyoMock;
    beforeAll(async () => {
      mock = await startKlaviyoMock({ apiKey: 'pk_conformance' });
    });
    afterAll(async () => {
      await mock.close();
    });

    const post = async (path: string, body?: unknown) => {
      const res = await fetch(`${mock.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          Authorization: 'Klaviyo-API-Key pk_conformance',
          revision: '2026-07-15',
          'Content-Type': 'application/vnd.api+json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
    };
    const get = (path: string) => post(path);

    it('satisfy the response schemas of their files', async () => {
      const created = await post('/api/profile-import', profileImportBody(upsert()));
      expect(created.status).toBe(201);
      expect(
        klaviyo().create_or_update_profile.validateComponent('PostProfileResponse', created.json),
      ).toBeNull();
      const updated = await post('/api/profile-import', profileImportBody(upsert({ location: null })));
      expect(updated.status).toBe(200);
      expect(
        klaviyo().create_or_update_profile.validateComponent('PostProfileResponse', updated.json),
      ).toBeNull();

      const bulk = relayBodies().find((b) => b.operationId === 'bulk_import_profiles')?.body;
      const job = await post('/api/profile-bulk-import-jobs', bulk);
      expect(job.status).toBe(202);
      expect(
        klaviyo().bulk_import_profiles.validateComponent('PostProfileImportJobResponse', job.json),
      ).toBeNull();

      const id = (job.json as { data: { id: string } }).data.id;
      const read = await get(`/api/profile-bulk-import-jobs/${id}`);
      expect(read.status).toBe(200);
      expect(
        klaviyo().get_bulk_import_profiles_job.validateComponent(
          'GetProfileImportJobResponseCompoundDocument',
          read.json,
        ),
      ).toBeNull();
      const refused = await post(
        '/api/profile-bulk-import-jobs',
        bulkImportBody([{ email: 'not-an-email' }, { email: 'fine@example.com' }]),
      );
      const refusedId = (refused.json as { data: { id: string } }).data.id;
      const errors = await get(`/api/profile-bulk-import-jobs/${refusedId}/import-errors`);
      expect((errors.json as { data: unknown[] }).data).toHaveLength(1);
      expect(
        klaviyo().get_errors_for_bulk_import_profiles_job.validateComponent(
          'GetImportErrorResponseCollection',
          errors.json,
        ),
      ).toBeNull();

      for (const { operationId, body } of acceptedConsentBodies()) {
        const path = operationId === 'bulk_subscribe_profiles' ? 'create' : 'delete';
        expect(await post(`/api/profile-subscription-bulk-${path}-jobs`, body)).toEqual({
          status: 202,
          json: undefined,
        });
      }

      const event = await post('/api/events', createEventBody(unicodeEvent));
      expect(event).toEqual({ status: 202, json: undefined });

      const source = await post('/api/data-sources', {
        data: { type: 'data-source', attributes: { title: 'Zendesk tickets' } },
      });
      expect(source.status).toBe(201);
      expect(
        klaviyo().create_data_source.validateComponent('PostDataSourceResponse', source.json),
      ).toBeNull();
      const dataSourceId = (source.json as { data: { id: string } }).data.id;
      for (const { operationId, body } of recordBodies()) {
        const b = structuredClone(body) as {
          data: { relationships: { 'data-source': { data: { id: string } } } };
        };
        b.data.relationships['data-source'].data.id = dataSourceId;
        const path = operationId === 'create_data_source_record' ? 'create' : 'bulk-create';
        expect(await post(`/api/data-source-record-${path}-jobs`, b)).toEqual({
          status: 204,
          json: undefined,
        });
      }
    });
  });
});

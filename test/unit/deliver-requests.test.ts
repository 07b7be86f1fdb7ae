// Every body deliver sends satisfies the request schema of its operation in the project's Klaviyo contract
// (local/klaviyo-mock/contract/); klaviyo-openapi-conformance.test.ts also checks them against Klaviyo's files.
import { describe, expect, it } from 'vitest';
import {
  deliverMessageSchema,
  klaviyoProfileUpsertV1Schema,
} from '../../functions/shared/stage/contracts.ts';
import { planBulkRequests } from '../../functions/deliver/bulk-plan.ts';
import {
  bulkCreateEventsBody,
  createEventBody,
  profileImportBody,
} from '../../functions/deliver/klaviyo-requests.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/index.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';

const contract = loadKlaviyoContract();

const upsert = upsertFixture('d-1', {
  attributes: { first_name: 'Ada', title: null },
  location: { city: 'London', latitude: 51.5, region: null },
  properties: { vip: true, tags: ['a', 'b'], old_flag: null },
});

describe('request bodies against the Klaviyo contract', () => {
  it('Create Event, with and without value and backfill', () => {
    const validate = (body: unknown) => contract.operations.create_event.validateBody(body);
    expect(validate(createEventBody(eventFixture(1)))).toBeNull();
    const withoutValue = eventFixture(2);
    delete withoutValue.value;
    expect(validate(createEventBody({ ...withoutValue, backfill: true }))).toBeNull();
    expect(createEventBody({ ...withoutValue, backfill: true }).data.attributes).toMatchObject({
      backfill: true,
      unique_id: 'demo:d-2',
    });
    expect(createEventBody(eventFixture(3)).data.attributes).not.toHaveProperty('backfill');
  });

  it('Bulk Create Events: one entry per profile, events nested under it', () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, event: eventFixture(i) }));
    const [request] = planBulkRequests(events).requests;
    expect(request).toBeDefined();
    expect(contract.operations.bulk_create_events.validateBody(request?.body)).toBeNull();
    const entries = request?.body.data.attributes['events-bulk-create'].data ?? [];
    expect(entries).toHaveLength(7);
    expect(entries.reduce((n, e) => n + e.attributes.events.data.length, 0)).toBe(30);
    const backfilled = bulkCreateEventsBody([
      { profile: { phone_number: '+15005550006' }, events: [eventFixture(1, { backfill: true })] },
    ]);
    expect(contract.operations.bulk_create_events.validateBody(backfilled)).toBeNull();
    expect(backfilled.data.attributes['events-bulk-create'].data[0]?.attributes.events.data[0]).toMatchObject(
      {
        attributes: { backfill: true },
      },
    );
  });

  it('profile import: only what the message carries; null clears, absent keeps', () => {
    const body = profileImportBody(upsert);
    expect(contract.operations.create_or_update_profile.validateBody(body)).toBeNull();
    expect(body).toEqual({
      data: {
        type: 'profile',
        attributes: {
          email: 'ada@example.com',
          first_name: 'Ada',
          title: null,
          location: { city: 'London', latitude: 51.5, region: null },
          properties: { vip: true, tags: ['a', 'b'], old_flag: null },
        },
      },
    });
    // Nothing the webhook did not mention is sent, so Klaviyo keeps it.
    expect(body.data.attributes).not.toHaveProperty('last_name');
    const bare = profileImportBody(
      klaviyoProfileUpsertV1Schema().parse({
        ...upsert,
        attributes: {},
        location: undefined,
        properties: undefined,
      }),
    );
    expect(bare).toEqual({ data: { type: 'profile', attributes: { email: 'ada@example.com' } } });
    expect(contract.operations.create_or_update_profile.validateBody(bare)).toBeNull();
  });

  it('a clearing null for the whole location is valid', () => {
    const body = profileImportBody(klaviyoProfileUpsertV1Schema().parse({ ...upsert, location: null }));
    expect(body.data.attributes.location).toBeNull();
    expect(contract.operations.create_or_update_profile.validateBody(body)).toBeNull();
  });
});

describe("the profile by Klaviyo's profile id", () => {
  const ID = '01HFAD5MDRT48NN8VN7H1NB0BH';
  const byId = eventFixture(1, { profile: { id: ID } });

  it('Create Event: the id is the profile resource’s data.id, never an attribute', () => {
    const body = createEventBody(byId);
    expect(body.data.attributes.profile).toEqual({ data: { type: 'profile', id: ID, attributes: {} } });
    expect(contract.operations.create_event.validateBody(body)).toBeNull();

    const withEmail = createEventBody(eventFixture(2, { profile: { id: ID, email: 'ada@example.com' } }));
    expect(withEmail.data.attributes.profile).toEqual({
      data: { type: 'profile', id: ID, attributes: { email: 'ada@example.com' } },
    });
    expect(contract.operations.create_event.validateBody(withEmail)).toBeNull();
    // Without an id, the resource has none.
    expect(createEventBody(eventFixture(3)).data.attributes.profile.data).not.toHaveProperty('id');
  });

  it('Bulk Create Events: entries are grouped by id too, each with its data.id', () => {
    const events = [
      { id: 'a', event: byId },
      { id: 'b', event: eventFixture(2, { profile: { id: ID } }) },
      // The same email with another id, and without one: three different profiles for the plan.
      { id: 'c', event: eventFixture(3, { profile: { id: 'OTHER', email: 'ada@example.com' } }) },
      { id: 'd', event: eventFixture(4, { profile: { email: 'ada@example.com' } }) },
    ];
    const [request, ...more] = planBulkRequests(events).requests;
    expect(more).toEqual([]);
    expect(request?.ids).toEqual([['a', 'b'], ['c'], ['d']]);
    const entries = request?.body.data.attributes['events-bulk-create'].data ?? [];
    expect(entries.map((e) => e.attributes.profile.data)).toEqual([
      { type: 'profile', id: ID, attributes: {} },
      { type: 'profile', id: 'OTHER', attributes: { email: 'ada@example.com' } },
      { type: 'profile', attributes: { email: 'ada@example.com' } },
    ]);
    expect(contract.operations.bulk_create_events.validateBody(request?.body)).toBeNull();
  });

  it('profile import: data.id, and the attributes without it', () => {
    const body = profileImportBody(
      klaviyoProfileUpsertV1Schema().parse({ ...upsert, profile: { id: ID }, location: undefined }),
    );
    expect(body).toEqual({
      data: {
        type: 'profile',
        id: ID,
        attributes: {
          first_name: 'Ada',
          title: null,
          properties: { vip: true, tags: ['a', 'b'], old_flag: null },
        },
      },
    });
    expect(contract.operations.create_or_update_profile.validateBody(body)).toBeNull();
    const bare = profileImportBody(
      klaviyoProfileUpsertV1Schema().parse({
        ...upsert,
        profile: { id: ID, external_id: 'cus_1' },
        attributes: {},
        location: undefined,
        properties: undefined,
      }),
    );
    expect(bare).toEqual({ data: { type: 'profile', id: ID, attributes: { external_id: 'cus_1' } } });
    expect(contract.operations.create_or_update_profile.validateBody(bare)).toBeNull();
  });

  it('the messages carry an id alone; still not nothing, nor an empty id', () => {
    expect(klaviyoProfileUpsertV1Schema().parse({ ...upsert, profile: { id: ID } }).profile).toEqual({
      id: ID,
    });
    expect(deliverMessageSchema().parse(byId).type).toBe('klaviyo.event');
    expect(klaviyoProfileUpsertV1Schema().safeParse({ ...upsert, profile: { id: '' } }).success).toBe(false);
  });
});

describe('deliver message contract', () => {
  it('accepts events (v1, unchanged) and profile upserts', () => {
    expect(deliverMessageSchema().parse(eventFixture(1)).type).toBe('klaviyo.event');
    expect(deliverMessageSchema().parse(upsert).type).toBe('klaviyo.profile-upsert');
  });

  it('keeps an absent attribute absent and a null as null', () => {
    const parsed = klaviyoProfileUpsertV1Schema().parse(JSON.parse(JSON.stringify(upsert)));
    expect(parsed.attributes).toEqual({ first_name: 'Ada', title: null });
    expect('last_name' in parsed.attributes).toBe(false);
  });

  it('refuses an upsert without an identifier, or with unknown attributes', () => {
    expect(klaviyoProfileUpsertV1Schema().safeParse({ ...upsert, profile: {} }).success).toBe(false);
    expect(
      klaviyoProfileUpsertV1Schema().safeParse({ ...upsert, attributes: { favourite_colour: 'red' } })
        .success,
    ).toBe(false);
  });
});

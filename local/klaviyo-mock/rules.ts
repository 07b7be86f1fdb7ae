// Klaviyo's rules that the OpenAPI schemas do not express, applied to bodies that already passed the schema,
// and the reading of those bodies into the events and profiles they carry. Limits are the ones Klaviyo
// documents for these endpoints (see the operation descriptions in the OpenAPI files).
import { invalid } from './errors.ts';
import type { KlaviyoOperationId } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const obj = (value: unknown): Json => (isObject(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const MB = 1024 * 1024;

/** Largest request body each endpoint takes, in bytes (payload limits from the operation descriptions). */
export const MAX_BODY_BYTES: Record<KlaviyoOperationId, number> = {
  create_event: 5 * MB,
  bulk_create_events: 5 * MB,
  create_or_update_profile: 100 * 1024,
  bulk_import_profiles: 5 * MB,
};

export const MAX_EVENT_PROPERTIES = 400;
export const MAX_STRING_BYTES = 100 * 1024;
export const MAX_BULK_EVENTS = 1_000;
export const MAX_BULK_PROFILES = 10_000;
export const MAX_METRIC_NAME_LENGTH = 127;
const EARLIEST_EVENT_TIME = Date.UTC(1990, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface ProfileItem {
  /** JSON pointer of the profile resource (`…/data`). */
  pointer: string;
  id: string | null;
  /** Profile attributes, without `meta`. */
  attributes: Json;
  meta: unknown;
}

export interface EventItem {
  /** JSON pointer of the event's `attributes`. */
  pointer: string;
  metric: string;
  /** The event's attributes as sent (for bulk: the entry's event attributes, without profile). */
  attributes: Json;
  /** Effective backfill flag (bulk: the event's own, else its entry's). */
  backfill: boolean;
  profile: ProfileItem;
}

function profileItem(pointer: string, resource: unknown, metaInsideAttributes: boolean): ProfileItem {
  const resourceObj = obj(resource);
  const { meta: innerMeta, ...attributes } = obj(resourceObj.attributes);
  return {
    pointer,
    id: typeof resourceObj.id === 'string' ? resourceObj.id : null,
    attributes,
    meta: metaInsideAttributes ? innerMeta : resourceObj.meta,
  };
}

const IDENTIFIER_KEYS = ['email', 'phone_number', 'external_id', 'anonymous_id', '_kx'] as const;

function requireIdentifier(profile: ProfileItem): void {
  if (profile.id !== null && profile.id !== '') return;
  const has = IDENTIFIER_KEYS.some(
    (k) => typeof profile.attributes[k] === 'string' && profile.attributes[k] !== '',
  );
  if (!has)
    throw invalid(
      'A profile identifier is required: at least one of id, email, phone_number, external_id, anonymous_id or _kx.',
      `${profile.pointer}/attributes`,
    );
}

function findLongString(value: unknown, pointer: string): string | null {
  if (typeof value === 'string') return Buffer.byteLength(value) > MAX_STRING_BYTES ? pointer : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findLongString(v, `${pointer}/${i}`);
      if (hit !== null) return hit;
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const hit = findLongString(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (hit !== null) return hit;
    }
  }
  return null;
}

function checkEvent(item: EventItem, now: number): void {
  const { attributes, pointer } = item;
  if (item.metric.length > MAX_METRIC_NAME_LENGTH)
    throw invalid(
      `Metric name must be less than 128 characters (got ${item.metric.length}).`,
      `${pointer}/metric/data/attributes/name`,
    );
  const properties = obj(attributes.properties);
  const count = Object.keys(properties).length;
  if (count > MAX_EVENT_PROPERTIES)
    throw invalid(
      `An event may have at most ${MAX_EVENT_PROPERTIES} properties (got ${count}).`,
      `${pointer}/properties`,
    );
  const long = findLongString(properties, `${pointer}/properties`);
  if (long !== null) throw invalid(`Strings may be at most ${MAX_STRING_BYTES} bytes.`, long);
  if (typeof attributes.time === 'string') {
    const time = Date.parse(attributes.time);
    if (time < EARLIEST_EVENT_TIME || time > now + YEAR_MS)
      throw invalid(
        `Event time ${attributes.time} is out of range: it must be after 1990 and at most 1 year in the future.`,
        `${pointer}/time`,
      );
  }
}

const metricName = (attributes: Json): string => {
  const name = obj(obj(obj(attributes.metric).data).attributes).name;
  return typeof name === 'string' ? name : '';
};

/** The one event of a Create Event body, checked. */
export function readCreateEvent(body: unknown, now: number): EventItem {
  const attributes = obj(obj(obj(body).data).attributes);
  const pointer = '/data/attributes';
  const item: EventItem = {
    pointer,
    metric: metricName(attributes),
    attributes,
    backfill: attributes.backfill === true,
    profile: profileItem(`${pointer}/profile/data`, obj(attributes.profile).data, true),
  };
  requireIdentifier(item.profile);
  checkEvent(item, now);
  return item;
}

/** Every event of a Bulk Create Events body, checked; a `unique_id` used twice fails the whole request. */
export function readBulkCreateEvents(body: unknown, now: number): EventItem[] {
  const base = '/data/attributes/events-bulk-create/data';
  const entries = list(obj(obj(obj(obj(body).data).attributes)['events-bulk-create']).data);
  const items: EventItem[] = [];
  for (const [i, entry] of entries.entries()) {
    const entryAttributes = obj(obj(entry).attributes);
    const profile = profileItem(
      `${base}/${i}/attributes/profile/data`,
      obj(entryAttributes.profile).data,
      false,
    );
    requireIdentifier(profile);
    for (const [j, event] of list(obj(entryAttributes.events).data).entries()) {
      const attributes = obj(obj(event).attributes);
      const ownBackfill = attributes.backfill;
      items.push({
        pointer: `${base}/${i}/attributes/events/data/${j}/attributes`,
        metric: metricName(attributes),
        attributes,
        backfill: typeof ownBackfill === 'boolean' ? ownBackfill : entryAttributes.backfill === true,
        profile,
      });
    }
  }
  if (items.length > MAX_BULK_EVENTS)
    throw invalid(
      `A bulk request may carry at most ${MAX_BULK_EVENTS} events (got ${items.length}).`,
      '/data/attributes/events-bulk-create/data',
    );

  const seen = new Map<string, string>();
  for (const item of items) {
    checkEvent(item, now);
    const uniqueId = item.attributes.unique_id;
    if (typeof uniqueId !== 'string') continue;
    const pointer = `${item.pointer}/unique_id`;
    const first = seen.get(uniqueId);
    if (first !== undefined)
      throw invalid(
        `Duplicate unique_id '${uniqueId}' within one request (first at ${first}). Klaviyo rejects the whole ` +
          'request when a unique_id repeats; send each unique_id at most once per request.',
        pointer,
      );
    seen.set(uniqueId, pointer);
  }
  return items;
}

const PROFILE_IMPORT_IDENTIFIERS = ['email', 'phone_number', 'external_id', '_kx'] as const;

function requireImportIdentifier(profile: ProfileItem): void {
  if (profile.id !== null && profile.id !== '') return;
  if (
    PROFILE_IMPORT_IDENTIFIERS.some(
      (k) => typeof profile.attributes[k] === 'string' && profile.attributes[k] !== '',
    )
  )
    return;
  throw invalid(
    'A profile identifier is required: at least one of id, email, phone_number, external_id or _kx.',
    `${profile.pointer}/attributes`,
  );
}

/** The profile of a Create or Update Profile body, checked. */
export function readProfileImport(body: unknown): ProfileItem {
  const profile = profileItem('/data', obj(body).data, false);
  requireImportIdentifier(profile);
  return profile;
}

/** The profiles of a Bulk Import Profiles body, checked. */
export function readBulkImportProfiles(body: unknown): ProfileItem[] {
  const base = '/data/attributes/profiles/data';
  const resources = list(obj(obj(obj(obj(body).data).attributes).profiles).data);
  if (resources.length > MAX_BULK_PROFILES)
    throw invalid(
      `A bulk import may carry at most ${MAX_BULK_PROFILES} profiles (got ${resources.length}).`,
      base,
    );
  const profiles = resources.map((resource, i) => profileItem(`${base}/${i}`, resource, false));
  profiles.forEach(requireImportIdentifier);
  return profiles;
}

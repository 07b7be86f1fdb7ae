// Klaviyo's rules that the contract's schemas cannot express, applied to bodies that already passed the schema,
// and the reading of those bodies into the events and profiles they carry. The limits come from the
// operation's contract file (`limits`), which takes them from Klaviyo's documentation.
import type { OperationLimits } from './contract.ts';
import { invalid } from './errors.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (isPlainObject(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

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

function findLongString(value: unknown, pointer: string, maxBytes: number): string | null {
  if (typeof value === 'string') return Buffer.byteLength(value) > maxBytes ? pointer : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findLongString(v, `${pointer}/${i}`, maxBytes);
      if (hit !== null) return hit;
    }
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const hit = findLongString(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, maxBytes);
      if (hit !== null) return hit;
    }
  }
  return null;
}

// The metric name's length and the number of properties are schema keywords (maxLength, maxProperties); string
// sizes are in bytes, which JSON Schema cannot count.
function checkEvent(item: EventItem, now: number, limits: OperationLimits): void {
  const { attributes, pointer } = item;
  const maxBytes = limits.maxStringBytes;
  if (maxBytes !== undefined) {
    const long = findLongString(obj(attributes.properties), `${pointer}/properties`, maxBytes);
    if (long !== null) throw invalid(`Strings may be at most ${maxBytes} bytes.`, long);
  }
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
export function readCreateEvent(body: unknown, now: number, limits: OperationLimits): EventItem {
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
  checkEvent(item, now, limits);
  return item;
}

/** Every event of a Bulk Create Events body, checked; a `unique_id` used twice fails the whole request. */
export function readBulkCreateEvents(body: unknown, now: number, limits: OperationLimits): EventItem[] {
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
  // Per profile entry the schema limits the events (maxItems); the documented limit is for the whole request.
  const maxEvents = limits.maxEventsPerRequest ?? Infinity;
  if (items.length > maxEvents)
    throw invalid(
      `A bulk request may carry at most ${maxEvents} events (got ${items.length}).`,
      '/data/attributes/events-bulk-create/data',
    );

  const seen = new Map<string, string>();
  for (const item of items) {
    checkEvent(item, now, limits);
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
  const profiles = resources.map((resource, i) => profileItem(`${base}/${i}`, resource, false));
  profiles.forEach(requireImportIdentifier);
  return profiles;
}

// What the mock has recorded — events, profiles, requests; consent and lists (./consent-store.ts) and bulk
// profile import jobs (./import-jobs.ts) beside them — and Klaviyo's semantics for them:
// profiles are upserted by identifier (`null` clears an attribute, an absent one is kept), and an event is
// recorded once per profile, metric and `unique_id` (Klaviyo's default unique id is the time to the second).
import { randomBytes } from 'node:crypto';
import { CatalogStore } from './catalog-store.ts';
import { ConsentStore } from './consent-store.ts';
import { conflict, invalid } from './errors.ts';
import { ImportJobStore, type ImportJobTiming } from './import-jobs.ts';
import { BackInStockStore } from './back-in-stock-store.ts';
import { RecordsStore } from './records-store.ts';
import { applyPatchProperties, mergeInto } from './profile-merge.ts';
import type { ProfileIdentifiers, RecordedEvent, RecordedProfile, RecordedRequest } from './types.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

/** Identifiers that find a profile, in the order they are tried. */
const LOOKUP_KEYS = ['email', 'phone_number', 'external_id', 'anonymous_id'] as const;
type LookupKey = (typeof LOOKUP_KEYS)[number];

export interface ProfileInput {
  /** `data.id`, when the request named the profile by Klaviyo id. */
  id?: string | null | undefined;
  attributes: Record<string, unknown>;
  /** `meta` (patch_properties: append / unappend / unset). */
  meta?: unknown;
}

export interface UpsertResult {
  profile: RecordedProfile;
  created: boolean;
}

export interface EventInput {
  via: RecordedEvent['via'];
  metric: string;
  identifiers: ProfileIdentifiers;
  profileId: string;
  attributes: Record<string, unknown>;
}

export interface RecordResult {
  event: RecordedEvent;
  /** True when an event with the same profile, metric and unique id was already recorded: nothing was added. */
  duplicate: boolean;
}

type Json = Record<string, unknown>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id (26 characters, time-ordered), the shape of Klaviyo's profile ids. */
export function newId(now: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[t % 32] ?? '0') + time;
    t = Math.floor(t / 32);
  }
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32] ?? '0').join('');
  return time + random;
}

/** ISO 8601 truncated to the second, as Klaviyo stores event times. */
export const toSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();

/** The identifiers present (non-null strings) among a profile resource's id and attributes. */
export function identifiersOf(id: unknown, attributes: Json): ProfileIdentifiers {
  const out: ProfileIdentifiers = {};
  if (typeof id === 'string' && id !== '') out.id = id;
  for (const key of [...LOOKUP_KEYS, '_kx'] as const) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

export function profileLabel(p: ProfileIdentifiers | RecordedProfile): string {
  return p.email ?? p.phone_number ?? p.external_id ?? p.anonymous_id ?? `profile ${p.id ?? '?'}`;
}

export class MockStore {
  private eventList: RecordedEvent[] = [];
  private requestList: RecordedRequest[] = [];
  private profileById = new Map<string, RecordedProfile>();
  private index = new Map<string, string>(); // `${key}\u0000${value}` → profile id
  private eventKeys = new Map<string, RecordedEvent>();
  readonly consent = new ConsentStore();
  readonly importJobs: ImportJobStore;
  readonly catalog: CatalogStore;
  readonly records = new RecordsStore(newId);
  readonly backInStock = new BackInStockStore();

  constructor(importJobs: Partial<ImportJobTiming> = {}, catalogJobs: Partial<ImportJobTiming> = {}) {
    const { processingReads = 0, delayMs = 0 } = importJobs;
    this.importJobs = new ImportJobStore({ processingReads, delayMs });
    this.catalog = new CatalogStore(catalogJobs);
  }

  events(): RecordedEvent[] {
    return structuredClone(this.eventList);
  }

  profiles(): RecordedProfile[] {
    return structuredClone([...this.profileById.values()]);
  }

  /** Consent per profile and channel, with each profile's identifiers as they are now. */
  consentStates(): ReturnType<ConsentStore['consent']> {
    return this.consent.consent((id) => {
      const profile = this.profileById.get(id);
      return { email: profile?.email ?? null, phone_number: profile?.phone_number ?? null };
    });
  }

  requests(): RecordedRequest[] {
    return structuredClone(this.requestList);
  }

  recordRequest(request: RecordedRequest): void {
    this.requestList.push(request);
  }

  reset(): void {
    this.eventList = [];
    this.requestList = [];
    this.profileById.clear();
    this.index.clear();
    this.eventKeys.clear();
    this.consent.reset();
    this.importJobs.reset();
    this.catalog.reset();
    this.records.reset();
    this.backInStock.reset();
  }

  hasProfile(id: string): boolean {
    return this.profileById.has(id);
  }

  /**
   * Creates or updates the profile the input identifies. `onConflict: 'error'` (profile import) answers 409
   * when the identifiers belong to different profiles; `'first'` (events) uses the first match and leaves
   * identifiers owned by another profile alone. `pointer` locates the profile resource in the request body.
   */
  upsertProfile(
    input: ProfileInput,
    now: number,
    pointer: string,
    onConflict: 'error' | 'first',
  ): UpsertResult {
    const { attributes } = input;
    let profile: RecordedProfile | undefined;
    if (typeof input.id === 'string' && input.id !== '') {
      profile = this.profileById.get(input.id);
      if (!profile) throw invalid(`No profile with id '${input.id}' exists.`, `${pointer}/id`);
    }
    for (const key of LOOKUP_KEYS) {
      const value = attributes[key];
      if (typeof value !== 'string' || value === '') continue;
      const owner = this.ownerOf(key, value);
      if (owner === undefined || owner === profile?.id) continue;
      if (!profile) profile = this.profileById.get(owner);
      else if (onConflict === 'error')
        throw conflict(`A profile already exists with ${key} '${value}' (id ${owner}).`, owner);
    }

    const stamp = new Date(now).toISOString();
    const created = profile === undefined;
    if (!profile) {
      profile = {
        id: newId(now),
        email: null,
        phone_number: null,
        external_id: null,
        anonymous_id: null,
        attributes: {},
        properties: {},
        created: stamp,
        updated: stamp,
      };
      this.profileById.set(profile.id, profile);
    }

    const before = JSON.stringify(profile);
    for (const [key, value] of Object.entries(attributes)) {
      if ((LOOKUP_KEYS as readonly string[]).includes(key))
        this.setIdentifier(profile, key as LookupKey, value);
      else if (key === 'properties') mergeInto(profile.properties, value, true);
      else if (key === 'location') {
        if (value === null) delete profile.attributes.location;
        else if (isPlainObject(value)) {
          const location = isPlainObject(profile.attributes.location) ? profile.attributes.location : {};
          mergeInto(location, value, false);
          if (Object.keys(location).length > 0) profile.attributes.location = location;
          else delete profile.attributes.location;
        }
      } else if (value === null) delete profile.attributes[key];
      else if (value !== undefined) profile.attributes[key] = value;
    }
    applyPatchProperties(
      profile.properties,
      isPlainObject(input.meta) ? input.meta.patch_properties : undefined,
    );
    if (!created && JSON.stringify(profile) !== before) profile.updated = stamp;
    return { profile: structuredClone(profile), created };
  }

  /** Records an event unless one with the same profile, metric and unique id is already recorded. */
  recordEvent(input: EventInput, now: number): RecordResult {
    const { attributes } = input;
    const sent = typeof attributes.time === 'string' ? Date.parse(attributes.time) : Number.NaN;
    const time = toSecond(Number.isNaN(sent) ? now : sent);
    const uniqueId = typeof attributes.unique_id === 'string' ? attributes.unique_id : null;
    const key = [input.profileId, input.metric, uniqueId === null ? `time:${time}` : `id:${uniqueId}`].join(
      '\u0000',
    );
    const existing = this.eventKeys.get(key);
    if (existing) return { event: structuredClone(existing), duplicate: true };

    const event: RecordedEvent = {
      id: newId(now),
      via: input.via,
      metric: input.metric,
      profile: { ...input.identifiers },
      profileId: input.profileId,
      properties: isPlainObject(attributes.properties) ? structuredClone(attributes.properties) : {},
      time,
      value: typeof attributes.value === 'number' ? attributes.value : null,
      valueCurrency: typeof attributes.value_currency === 'string' ? attributes.value_currency : null,
      uniqueId,
      backfill: attributes.backfill === true,
      receivedAt: new Date(now).toISOString(),
      attributes: structuredClone(attributes),
    };
    this.eventList.push(event);
    this.eventKeys.set(key, event);
    return { event: structuredClone(event), duplicate: false };
  }

  private ownerOf(key: LookupKey, value: string): string | undefined {
    return this.index.get(`${key}\u0000${value}`);
  }

  private setIdentifier(profile: RecordedProfile, key: LookupKey, value: unknown): void {
    if (value !== null && (typeof value !== 'string' || value === '')) return;
    if (value !== null) {
      const owner = this.ownerOf(key, value);
      if (owner !== undefined && owner !== profile.id) return; // belongs to another profile: leave it there
    }
    const old = profile[key];
    if (old !== null) this.index.delete(`${key}\u0000${old}`);
    profile[key] = value;
    if (value !== null) this.index.set(`${key}\u0000${value}`, profile.id);
  }
}

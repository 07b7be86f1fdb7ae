// Request bodies for Klaviyo's API, in the JSON:API shapes Klaviyo documents (the project's contract of them:
// local/klaviyo-mock/contract/): Create Event, Bulk Create Events and Create or Update Profile (profile import).
import type { KlaviyoEvent, KlaviyoProfileUpsertV1, ProfileIdentifiers } from '../shared/stage/contracts.ts';

/** Where each operation lives; the pacer keeps one budget per path, as Klaviyo does. */
export const KLAVIYO_PATHS = {
  createEvent: '/api/events',
  bulkCreateEvents: '/api/event-bulk-create-jobs',
  profileImport: '/api/profile-import',
  /** Consent jobs: consent-requests.ts builds their bodies. */
  bulkSubscribe: '/api/profile-subscription-bulk-create-jobs',
  bulkUnsubscribe: '/api/profile-subscription-bulk-delete-jobs',
} as const;
export type KlaviyoPath = (typeof KLAVIYO_PATHS)[keyof typeof KLAVIYO_PATHS];

/**
 * A profile resource naming the profile by its identifiers: Klaviyo's own id is the resource's `data.id` (an
 * `id` among the attributes is not Klaviyo's), every other identifier an attribute. `attributes` is required even
 * when the id alone names the profile.
 */
function profileResource(profile: ProfileIdentifiers, more: Record<string, unknown> = {}) {
  const { id, ...identifiers } = profile;
  const attributes: Record<string, unknown> = { ...identifiers, ...more };
  return { type: 'profile' as const, ...(id === undefined ? {} : { id }), attributes };
}

/** The event's own attributes, shared by Create Event and each entry of Bulk Create Events. */
function eventAttributes(event: KlaviyoEvent) {
  return {
    properties: event.properties,
    time: event.time,
    ...(event.value === undefined ? {} : { value: event.value }),
    // Only a v2 message carries a currency; Klaviyo reads it beside the value.
    ...(event.version === 2 && event.value_currency !== undefined
      ? { value_currency: event.value_currency }
      : {}),
    unique_id: event.unique_id,
    // Replays set backfill so that old events are recorded without triggering flows.
    ...(event.backfill ? { backfill: true } : {}),
    metric: { data: { type: 'metric', attributes: { name: event.metric } } },
  };
}

export function createEventBody(event: KlaviyoEvent) {
  return {
    data: {
      type: 'event',
      attributes: {
        ...eventAttributes(event),
        profile: { data: profileResource(event.profile) },
      },
    },
  };
}

/** One entry of a bulk request: a profile and its events. */
export interface BulkEntry {
  profile: KlaviyoEvent['profile'];
  events: KlaviyoEvent[];
}

export function bulkCreateEventsBody(entries: readonly BulkEntry[]) {
  return {
    data: {
      type: 'event-bulk-create-job',
      attributes: {
        'events-bulk-create': {
          data: entries.map((entry) => ({
            type: 'event-bulk-create',
            attributes: {
              profile: { data: profileResource(entry.profile) },
              events: { data: entry.events.map((e) => ({ type: 'event', attributes: eventAttributes(e) })) },
            },
          })),
        },
      },
    },
  };
}

/**
 * Profile import is an upsert: every attribute present is written, `null` clears it, and an attribute left out
 * stays as Klaviyo has it. So only what the message carries is put in the body — never a default.
 */
export function profileImportBody(upsert: KlaviyoProfileUpsertV1) {
  const attributes: Record<string, unknown> = { ...upsert.attributes };
  if (upsert.location !== undefined) attributes.location = upsert.location;
  if (upsert.properties !== undefined) attributes.properties = upsert.properties;
  return { data: profileResource(upsert.profile, attributes) };
}

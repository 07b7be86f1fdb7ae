// What each Klaviyo operation does with a valid request: record into the store, log a line, and answer with
// the status and document the operation's contract gives for success (consent and bulk profile import jobs:
// ./operations-jobs.ts).
import { invalid } from './errors.ts';
import type { OperationContext, OperationResult } from './operation-context.ts';
import { isCatalogOperation, performCatalogOperation } from './operations-catalog.ts';
import { consentJob, createImportJob, readImportErrors, readImportJob } from './operations-jobs.ts';
import { createBackInStockSubscription } from './operations-back-in-stock.ts';
import { createDataSource, createRecords } from './operations-records.ts';
import { readBulkCreateEvents, readCreateEvent, readProfileImport } from './rules.ts';
import type { EventItem, ProfileItem } from './rules.ts';
import { identifiersOf, profileLabel } from './store.ts';
import type { KlaviyoOperationId, RecordedProfile } from './types.ts';

export function performOperation(
  operationId: KlaviyoOperationId,
  body: unknown,
  ctx: OperationContext,
): OperationResult {
  if (isCatalogOperation(operationId)) return performCatalogOperation(operationId, body, ctx);
  switch (operationId) {
    case 'create_event':
      recordEvents([readCreateEvent(body, ctx.now, ctx.limits)], 'create_event', ctx);
      return { status: 202 };
    case 'bulk_create_events':
      // Klaviyo's 2026-07-15 contract answers this 202 with no body; the events are processed later. The mock
      // records them before answering, so tests can read them at once.
      recordEvents(readBulkCreateEvents(body, ctx.now, ctx.limits), 'bulk_create_events', ctx);
      return { status: 202 };
    case 'create_or_update_profile': {
      const { profile, created } = upsert(readProfileImport(body), ctx);
      return { status: created ? 201 : 200, body: profileDocument(profile, ctx.baseUrl) };
    }
    case 'bulk_import_profiles':
      return createImportJob(body, ctx);
    case 'get_bulk_import_profiles_job':
      return readImportJob(ctx);
    case 'get_errors_for_bulk_import_profiles_job':
      return readImportErrors(ctx);
    case 'bulk_subscribe_profiles':
    case 'bulk_unsubscribe_profiles':
      return consentJob(operationId, body, ctx);
    case 'create_data_source':
      return createDataSource(body, ctx);
    case 'bulk_create_data_source_records':
    case 'create_data_source_record':
      return createRecords(operationId, body, ctx);
    case 'create_back_in_stock_subscription':
      return createBackInStockSubscription(body, ctx);
  }
}

function upsert(item: ProfileItem, ctx: OperationContext): { profile: RecordedProfile; created: boolean } {
  const result = ctx.store.upsertProfile(item, ctx.now, item.pointer, 'error');
  ctx.log(
    `klaviyo-mock ← profile ${result.created ? 'created' : 'updated'} ${profileLabel(result.profile)} (id ${result.profile.id})`,
  );
  return result;
}

function recordEvents(
  items: EventItem[],
  via: 'create_event' | 'bulk_create_events',
  ctx: OperationContext,
): void {
  // Check every profile id before touching the store, so a bad bulk request records nothing.
  for (const { profile } of items)
    if (profile.id !== null && !ctx.store.hasProfile(profile.id))
      throw invalid(`No profile with id '${profile.id}' exists.`, `${profile.pointer}/id`);

  const profileIds = new Map<ProfileItem, string>();
  for (const item of items) {
    let profileId = profileIds.get(item.profile);
    if (profileId === undefined) {
      profileId = ctx.store.upsertProfile(item.profile, ctx.now, item.profile.pointer, 'first').profile.id;
      profileIds.set(item.profile, profileId);
    }
    const attributes =
      item.backfill && item.attributes.backfill !== true
        ? { ...item.attributes, backfill: true }
        : item.attributes;
    const identifiers = identifiersOf(item.profile.id, item.profile.attributes);
    const { event, duplicate } = ctx.store.recordEvent(
      { via, metric: item.metric, identifiers, profileId, attributes },
      ctx.now,
    );
    const uniqueId = event.uniqueId ?? `(time ${event.time})`;
    const who = profileLabel(identifiers);
    ctx.log(
      duplicate
        ? `klaviyo-mock ← event "${item.metric}" for ${who} unique_id=${uniqueId}: duplicate, not recorded again`
        : `klaviyo-mock ← event "${item.metric}" for ${who} unique_id=${uniqueId} (${plural(Object.keys(event.properties).length, 'property', 'properties')})${
            via === 'bulk_create_events' ? ' [bulk]' : ''
          }${event.backfill ? ' [backfill]' : ''}`,
    );
  }
}

const STANDARD_ATTRIBUTES = ['first_name', 'last_name', 'organization', 'locale', 'title', 'image'] as const;

/** The `PostProfileResponse` document for a profile. */
export function profileDocument(profile: RecordedProfile, baseUrl: string): unknown {
  const attributes: Record<string, unknown> = {
    email: profile.email,
    phone_number: profile.phone_number,
    external_id: profile.external_id,
  };
  for (const key of STANDARD_ATTRIBUTES) attributes[key] = profile.attributes[key] ?? null;
  Object.assign(attributes, {
    created: profile.created,
    updated: profile.updated,
    last_event_date: null,
    location: profile.attributes.location ?? null,
    properties: profile.properties,
  });
  return {
    data: {
      type: 'profile',
      id: profile.id,
      attributes,
      links: { self: `${baseUrl}/api/profiles/${profile.id}/` },
    },
    links: { self: `${baseUrl}/api/profile-import` },
  };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

// Packs a batch's events into Bulk Create Events requests that Klaviyo will accept whole:
//   - at most 1,000 events and (with room to spare) 5 MB a request;
//   - never one unique_id twice in a request — Klaviyo fails the whole request on a repeat. An exact repeat
//     (same unique_id, metric and profile: an SQS redelivery) is not sent at all but follows the outcome of the
//     copy that is; a different event that reuses a unique_id goes into a later request;
//   - events of one profile share an entry, as the bulk document nests events under their profile.
// Each planned request remembers which message sits at which (entry, event) position, so that an error
// pointer from Klaviyo names the message at fault.
import type { KlaviyoEvent } from '../shared/stage/contracts.ts';
import { bulkCreateEventsBody, type BulkEntry } from './klaviyo-requests.ts';

export const BULK_MAX_EVENTS = 1_000;
/** Klaviyo's 5 MB, less a margin for the envelope and for counting MB as 10^6 bytes. */
export const BULK_MAX_BYTES = 4_800_000;

export interface BulkItem {
  /** The SQS message id the event came from. */
  id: string;
  event: KlaviyoEvent;
}

export interface PlannedBulkRequest {
  body: ReturnType<typeof bulkCreateEventsBody>;
  /** ids[entry][event]: the message behind each position of the body. */
  ids: string[][];
  /** Every message id in the request. */
  all: string[];
}

export interface BulkPlan {
  requests: PlannedBulkRequest[];
  /** Exact repeats left out: repeat id → id of the copy that is sent. */
  followers: Map<string, string>;
}

const profileKey = (profile: KlaviyoEvent['profile']) =>
  JSON.stringify([
    profile.id ?? null,
    profile.email ?? null,
    profile.phone_number ?? null,
    profile.external_id ?? null,
  ]);

const eventBytes = (event: KlaviyoEvent) =>
  // The event's attributes plus its profile, counted as if each event had its own entry: an overestimate.
  Buffer.byteLength(JSON.stringify(event.properties)) + Buffer.byteLength(event.metric) + 600;

interface OpenRequest {
  items: BulkItem[];
  uniqueIds: Set<string>;
  bytes: number;
}

export function planBulkRequests(
  items: readonly BulkItem[],
  limits: { maxEvents?: number; maxBytes?: number } = {},
): BulkPlan {
  const maxEvents = limits.maxEvents ?? BULK_MAX_EVENTS;
  const maxBytes = limits.maxBytes ?? BULK_MAX_BYTES;
  const followers = new Map<string, string>();
  const firstCopy = new Map<string, string>();
  const open: OpenRequest[] = [];

  for (const item of items) {
    const { event } = item;
    const copyKey = JSON.stringify([event.unique_id, event.metric, profileKey(event.profile)]);
    const leader = firstCopy.get(copyKey);
    if (leader !== undefined) {
      followers.set(item.id, leader);
      continue;
    }
    firstCopy.set(copyKey, item.id);
    const bytes = eventBytes(event);
    // First fit: the earliest request with room that does not yet hold this unique_id.
    let target = open.find(
      (r) =>
        !r.uniqueIds.has(event.unique_id) &&
        r.items.length < maxEvents &&
        (r.items.length === 0 || r.bytes + bytes <= maxBytes),
    );
    if (!target) {
      target = { items: [], uniqueIds: new Set(), bytes: 0 };
      open.push(target);
    }
    target.items.push(item);
    target.uniqueIds.add(event.unique_id);
    target.bytes += bytes;
  }

  return { requests: open.map((r) => toRequest(r.items)), followers };
}

/** Groups a request's events by profile, keeping first-seen order. */
export function toRequest(items: readonly BulkItem[]): PlannedBulkRequest {
  const byProfile = new Map<string, { entry: BulkEntry; ids: string[] }>();
  for (const { id, event } of items) {
    const key = profileKey(event.profile);
    let group = byProfile.get(key);
    if (!group) {
      group = { entry: { profile: event.profile, events: [] }, ids: [] };
      byProfile.set(key, group);
    }
    group.entry.events.push(event);
    group.ids.push(id);
  }
  const groups = [...byProfile.values()];
  return {
    body: bulkCreateEventsBody(groups.map((g) => g.entry)),
    ids: groups.map((g) => g.ids),
    all: groups.flatMap((g) => g.ids),
  };
}

const ENTRY_POINTER =
  /^\/data\/attributes\/events-bulk-create\/data\/(\d+)(?:\/attributes(?:\/(events|profile)(?:\/data\/(\d+))?)?)?/;

/**
 * The messages an error pointer blames: one event (`…/data/{i}/attributes/events/data/{j}/…`), or every event of
 * an entry when it points at the entry or its profile. Undefined when the pointer names no entry.
 */
export function idsAtPointer(request: PlannedBulkRequest, pointer: string | undefined): string[] | undefined {
  const match = pointer === undefined ? null : ENTRY_POINTER.exec(pointer);
  if (!match) return undefined;
  const entry = request.ids[Number(match[1])];
  if (!entry) return undefined;
  if (match[2] === 'events' && match[3] !== undefined) {
    const id = entry[Number(match[3])];
    return id === undefined ? undefined : [id];
  }
  return [...entry];
}

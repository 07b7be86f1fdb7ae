// The deliver use case for one SQS batch: profile upserts go through profile import one by one, or as a Bulk
// Import Profiles job when many wait (deliver-profiles.ts); events go through Bulk Create Events when the batch
// holds at least `bulk_threshold` of them, else through Create Event one by one; consent goes in Bulk Subscribe /
// Bulk Unsubscribe jobs (deliver-consent.ts). Each endpoint's writes run on their own (its own pacer, its own
// `max_in_flight`), so a backlog on one never holds another's back, and the last lane left defers what would still
// wait for its budget rather than hold the batch (lane-hold.ts). Custom-object records go in record jobs
// (deliver-records.ts), back-in-stock subscriptions one call each (deliver-back-in-stock.ts). Every call is paced
// (rate-pacer.ts); each message gets its own outcome. Catalog rows go in bulk catalog jobs, each read back
// (deliver-catalog.ts).
import type { KlaviyoSettings } from '../shared/config/klaviyo-settings.ts';
import type {
  DeliverMessage,
  KlaviyoBackInStockV1,
  KlaviyoCatalogV1,
  KlaviyoConsentV1,
  KlaviyoEvent,
  KlaviyoProfileUpsertV1,
  KlaviyoRecordV1,
} from '../shared/stage/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import type { ParsedRecord, RecordOutcome } from '../shared/stage/stage-options.ts';
import { deliverBackInStock } from './deliver-back-in-stock.ts';
import { deliverBulk } from './deliver-bulk.ts';
import { deliverCatalog } from './deliver-catalog.ts';
import { deliverConsent } from './deliver-consent.ts';
import { deliverOne } from './deliver-event.ts';
import type { DeliverCounters } from './deliver-outcome.ts';
import { deliverProfiles } from './deliver-profiles.ts';
import { deliverRecords } from './deliver-records.ts';
import type { KlaviyoClient, KlaviyoReader } from './klaviyo-client.ts';
import { runLanes, type LaneHold } from './lane-hold.ts';
import { runLimited } from './run-limited.ts';
import { staleStateWrite } from './stale-state.ts';
import { profileStateKeys, type StateVersions } from './state-versions.ts';
import { createLeaseLedger, endStateLeases } from './state-lease-ends.ts';
import { leaseOwnerOf } from './state-leases.ts';
import { versionOfWrite } from './state-write-version.ts';

export interface DeliverBatchPorts {
  klaviyo: KlaviyoClient & KlaviyoReader;
  settings: KlaviyoSettings;
  counters: DeliverCounters;
  log: Logger;
  /** Local time (ms) after which no request may start. */
  deadline: number;
  /** The newest state written per profile (state-versions.ts); without it, profile writes go as they come. */
  stateVersions?: StateVersions | undefined;
  /** Clock and sleep of a profile import job's read-back; default Date.now and a timer. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How long a consent job's lease outlives Klaviyo's 202 (state-leases.ts); local mode's mock needs none. */
  consentJobSettleMs?: number | undefined;
}

/** The client a lane sends with: its writes wait for their pacer under the lane's hold (reads do not). */
export function heldBy(
  klaviyo: KlaviyoClient & KlaviyoReader,
  hold: LaneHold,
): KlaviyoClient & KlaviyoReader {
  return {
    post: (path, body, options) => klaviyo.post(path, body, { ...options, hold }),
    get: (path, options) => klaviyo.get(path, options),
  };
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function deliverBatch(
  records: readonly ParsedRecord<DeliverMessage>[],
  ports: DeliverBatchPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const logs = new Map(records.map((r) => [r.id, r.log]));
  const logOf = (id: string) => logs.get(id) ?? ports.log;
  const events: { id: string; event: KlaviyoEvent }[] = [];
  const singleEvents: ParsedRecord<KlaviyoEvent>[] = [];
  const profiles: ParsedRecord<KlaviyoProfileUpsertV1>[] = [];
  const consent: { id: string; message: KlaviyoConsentV1 }[] = [];
  const catalog: { id: string; message: KlaviyoCatalogV1 }[] = [];
  const customRecords: { id: string; message: KlaviyoRecordV1 }[] = [];
  const backInStock: { id: string; message: KlaviyoBackInStockV1 }[] = [];
  for (const record of records) {
    const { message } = record;
    if (message.type === 'klaviyo.event') events.push({ id: record.id, event: message });
    else if (message.type === 'klaviyo.consent') consent.push({ id: record.id, message });
    else if (message.type === 'klaviyo.catalog') catalog.push({ id: record.id, message });
    else if (message.type === 'klaviyo.record') customRecords.push({ id: record.id, message });
    else if (message.type === 'klaviyo.back-in-stock') backInStock.push({ id: record.id, message });
    else profiles.push({ ...record, message });
  }
  const useBulk = events.length >= ports.settings.bulk_threshold;
  if (!useBulk)
    for (const record of records)
      if (record.message.type === 'klaviyo.event') singleEvents.push({ ...record, message: record.message });

  const take = (results: Map<string, RecordOutcome>) =>
    results.forEach((outcome, id) => outcomes.set(id, outcome));
  // State writes claim their keys while in flight (ADR 0032); the claims end below, once the outcomes are known.
  const leases = createLeaseLedger(ports.now ?? Date.now);
  const stateCheck = { counters: ports.counters, stateVersions: ports.stateVersions, leases };
  const portsOf = (hold: LaneHold) => {
    const sendPorts = {
      klaviyo: heldBy(ports.klaviyo, hold),
      counters: ports.counters,
      deadline: ports.deadline,
    };
    return {
      sendPorts,
      bulkPorts: { ...sendPorts, log: ports.log, logOf, maxInFlight: ports.settings.max_in_flight },
    };
  };
  // One lane per endpoint: each waits only for its own pacer and its own requests in flight, and the last one
  // left defers what would still wait rather than hold the batch (lane-hold.ts).
  const lanes: ((hold: LaneHold) => Promise<unknown>)[] = [];
  if (useBulk) lanes.push((hold) => deliverBulk(events, portsOf(hold).bulkPorts).then(take));
  else if (singleEvents.length > 0)
    lanes.push((hold) =>
      runLimited(singleEvents, ports.settings.max_in_flight, async (record) => {
        outcomes.set(record.id, await deliverOne(record.message, record.log, portsOf(hold).sendPorts));
      }),
    );
  if (profiles.length > 0)
    lanes.push((hold) =>
      deliverProfiles(profiles, {
        ...portsOf(hold).bulkPorts,
        threshold: ports.settings.profile_bulk_threshold,
        now: ports.now ?? Date.now,
        sleep: ports.sleep ?? timer,
        checkState: (record) =>
          staleStateWrite(
            {
              keys: profileStateKeys(record.message.profile),
              version: versionOfWrite(record.message),
              what: 'profile',
              lease: { id: record.id, owner: leaseOwnerOf(record.message), ends: 'released' },
            },
            record.log,
            stateCheck,
          ),
      }).then(take),
    );
  if (consent.length > 0)
    lanes.push((hold) =>
      deliverConsent(consent, {
        ...portsOf(hold).bulkPorts,
        stateVersions: ports.stateVersions,
        leases,
      }).then(take),
    );
  if (customRecords.length > 0)
    lanes.push((hold) => deliverRecords(customRecords, portsOf(hold).bulkPorts).then(take));
  if (backInStock.length > 0)
    lanes.push((hold) => deliverBackInStock(backInStock, portsOf(hold).bulkPorts).then(take));
  if (catalog.length > 0)
    lanes.push((hold) =>
      deliverCatalog(catalog, {
        ...portsOf(hold).bulkPorts,
        now: ports.now ?? Date.now,
        sleep: ports.sleep ?? timer,
        stateVersions: ports.stateVersions,
        leases,
      }).then(take),
    );
  await runLanes(lanes);
  await endStateLeases(leases, outcomes, {
    stateVersions: ports.stateVersions,
    logOf,
    consentJobSettleMs: ports.consentJobSettleMs,
    deadline: ports.deadline,
  });
  return outcomes;
}

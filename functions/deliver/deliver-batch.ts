// The deliver use case for one SQS batch: profile upserts go through profile import one by one, or as a Bulk
// Import Profiles job when many wait (deliver-profiles.ts); events go through Bulk Create Events when the batch
// holds at least `bulk_threshold` of them, else through Create Event one by one; consent goes in Bulk Subscribe /
// Bulk Unsubscribe jobs (deliver-consent.ts). Each endpoint's writes run on their own (its own pacer, its own
// `max_in_flight`), so a backlog on one never holds another's back. Every call is paced (rate-pacer.ts); each
// message gets its own outcome.
import type { KlaviyoSettings } from '../shared/config/klaviyo-settings.ts';
import type {
  DeliverMessage,
  KlaviyoConsentV1,
  KlaviyoEvent,
  KlaviyoProfileUpsertV1,
} from '../shared/stage/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import type { ParsedRecord, RecordOutcome } from '../shared/stage/stage-options.ts';
import { deliverBulk } from './deliver-bulk.ts';
import { deliverConsent } from './deliver-consent.ts';
import { deliverOne } from './deliver-event.ts';
import type { DeliverCounters } from './deliver-outcome.ts';
import { deliverProfiles } from './deliver-profiles.ts';
import type { KlaviyoClient, KlaviyoReader } from './klaviyo-client.ts';
import { runLimited } from './run-limited.ts';
import { staleStateWrite } from './stale-state.ts';
import { profileStateKeys, type StateVersions } from './state-versions.ts';
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
  for (const record of records) {
    const { message } = record;
    if (message.type === 'klaviyo.event') events.push({ id: record.id, event: message });
    else if (message.type === 'klaviyo.consent') consent.push({ id: record.id, message });
    else profiles.push({ ...record, message });
  }
  const useBulk = events.length >= ports.settings.bulk_threshold;
  if (!useBulk)
    for (const record of records)
      if (record.message.type === 'klaviyo.event') singleEvents.push({ ...record, message: record.message });

  const sendPorts = { klaviyo: ports.klaviyo, counters: ports.counters, deadline: ports.deadline };
  const bulkPorts = { ...sendPorts, log: ports.log, logOf, maxInFlight: ports.settings.max_in_flight };
  const take = (results: Map<string, RecordOutcome>) =>
    results.forEach((outcome, id) => outcomes.set(id, outcome));
  // One lane per endpoint: each waits only for its own pacer and its own requests in flight.
  await Promise.all([
    useBulk
      ? deliverBulk(events, bulkPorts).then(take)
      : runLimited(singleEvents, ports.settings.max_in_flight, async (record) => {
          outcomes.set(record.id, await deliverOne(record.message, record.log, sendPorts));
        }),
    profiles.length > 0
      ? deliverProfiles(profiles, {
          ...bulkPorts,
          threshold: ports.settings.profile_bulk_threshold,
          now: ports.now ?? Date.now,
          sleep: ports.sleep ?? timer,
          checkState: (record) =>
            staleStateWrite(
              {
                keys: profileStateKeys(record.message.profile),
                version: versionOfWrite(record.message),
                what: 'profile',
              },
              record.log,
              ports,
            ),
        }).then(take)
      : undefined,
    consent.length > 0
      ? deliverConsent(consent, { ...bulkPorts, stateVersions: ports.stateVersions }).then(take)
      : undefined,
  ]);
  return outcomes;
}

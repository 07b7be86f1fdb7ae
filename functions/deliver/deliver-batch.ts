// The deliver use case for one SQS batch: profile upserts go through profile import one by one, or as a Bulk
// Import Profiles job when many wait (deliver-profiles.ts); events go through Bulk Create Events when the batch
// holds at least `bulk_threshold` of them, else through Create Event one by one. Every call is paced
// (rate-pacer.ts); each message gets its own outcome.
import type { KlaviyoSettings } from '../shared/config/klaviyo-settings.ts';
import type { DeliverMessage, KlaviyoEvent, KlaviyoProfileUpsertV1 } from '../shared/stage/contracts.ts';
import { RetryableError } from '../shared/stage/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { ParsedRecord, RecordOutcome } from '../shared/stage/stage-options.ts';
import { deliverBulk } from './deliver-bulk.ts';
import { deliverOne } from './deliver-event.ts';
import { DONE, type DeliverCounters } from './deliver-outcome.ts';
import { deliverProfiles } from './deliver-profiles.ts';
import type { KlaviyoClient, KlaviyoReader } from './klaviyo-client.ts';
import { runLimited } from './run-limited.ts';
import { profileStateKeys, type StateVersions } from './state-versions.ts';

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

/**
 * max_in_flight shared between two groups of one-by-one calls that run at once, by their sizes (each at least 1);
 * undefined when it cannot be shared (1): then the groups run one after the other.
 */
export function splitInFlight(max: number, a: number, b: number): [number, number] | undefined {
  if (a === 0 || b === 0) return [max, max];
  if (max < 2) return undefined;
  const forA = Math.min(max - 1, Math.max(1, Math.round((max * a) / (a + b))));
  return [forA, max - forA];
}

/**
 * DONE for a profile write older than one the relay already made for that profile (skipped, counted), a retry
 * when that cannot be checked now, undefined when the write should go ahead (then its time is recorded).
 */
async function staleStateWrite(
  message: DeliverMessage,
  log: ParsedRecord<DeliverMessage>['log'],
  ports: DeliverBatchPorts,
): Promise<RecordOutcome | undefined> {
  if (message.type !== 'klaviyo.profile-upsert' || message.as_of === undefined || !ports.stateVersions)
    return undefined;
  try {
    const verdict = await ports.stateVersions.advance(
      profileStateKeys(message.profile),
      new Date(message.as_of),
    );
    if (verdict === 'newest') return undefined;
  } catch (error) {
    const retry = new RetryableError(
      `could not check the profile's newest write: ${(error as Error).message}`,
      'state_store_unavailable',
      undefined,
      { cause: error },
    );
    return { kind: 'retry', error: retry };
  }
  ports.counters.count('stale_state_skipped');
  log.info('skipped a profile write older than one the relay already made', {
    outcome: 'stale_state_skipped',
    as_of: message.as_of,
  });
  return DONE;
}

export async function deliverBatch(
  records: readonly ParsedRecord<DeliverMessage>[],
  ports: DeliverBatchPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const logs = new Map(records.map((r) => [r.id, r.log]));
  const logOf = (id: string) => logs.get(id) ?? ports.log;
  const events: { id: string; event: KlaviyoEvent }[] = [];
  const singles: ParsedRecord<DeliverMessage>[] = [];
  const profiles: ParsedRecord<KlaviyoProfileUpsertV1>[] = [];
  for (const record of records) {
    const { message } = record;
    if (message.type === 'klaviyo.event') events.push({ id: record.id, event: message });
    else if (message.type === 'klaviyo.profile-upsert') profiles.push({ ...record, message });
    else singles.push(record);
  }
  const useBulk = events.length >= ports.settings.bulk_threshold;
  if (!useBulk) singles.push(...records.filter((r) => r.message.type === 'klaviyo.event'));

  // Profile upserts and the other one-by-one calls share the instance's max_in_flight.
  const split = splitInFlight(ports.settings.max_in_flight, profiles.length, singles.length);
  const [profilesInFlight, singlesInFlight] = split ?? [1, 1];
  const sendPorts = { klaviyo: ports.klaviyo, counters: ports.counters, deadline: ports.deadline };
  const profilesDone = deliverProfiles(profiles, {
    ...sendPorts,
    log: ports.log,
    logOf,
    maxInFlight: profilesInFlight,
    now: ports.now ?? Date.now,
    sleep: ports.sleep ?? timer,
    checkState: (record) => staleStateWrite(record.message, record.log, ports),
  }).then((done) => done.forEach((outcome, id) => outcomes.set(id, outcome)));
  await Promise.all([
    useBulk
      ? deliverBulk(events, {
          ...sendPorts,
          log: ports.log,
          logOf,
          maxInFlight: ports.settings.max_in_flight,
        }).then((bulk) => bulk.forEach((outcome, id) => outcomes.set(id, outcome)))
      : undefined,
    profilesDone,
    // When max_in_flight cannot be shared, the one-by-one calls wait for the profile upserts.
    (split ? Promise.resolve() : profilesDone).then(() =>
      runLimited(singles, singlesInFlight, async (record) => {
        const skipped = await staleStateWrite(record.message, record.log, ports);
        outcomes.set(record.id, skipped ?? (await deliverOne(record.message, record.log, sendPorts)));
      }),
    ),
  ]);
  return outcomes;
}

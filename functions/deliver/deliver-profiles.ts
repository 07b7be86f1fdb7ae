// A batch's profile upserts: each is checked against the newest write the relay made for its profile first
// (state-versions.ts, ADR 0026), so a stale one never reaches Klaviyo, alone or in a job. What is left goes as one
// Bulk Import Profiles job (deliver-profile-jobs.ts) when at least `klaviyo.profile_bulk_threshold` upserts are on
// their first attempt, else one profile import each. A message that failed before goes alone: its job may not have
// been read back (ADR 0031), and a message is never put in a second job.
import type { KlaviyoProfileUpsertV1 } from '../shared/stage/contracts.ts';
import { failedAttemptsOf } from '../shared/stage/attempts.ts';
import { isPlainObject } from '../shared/json/is-plain-object.ts';
import type { ParsedRecord, RecordOutcome } from '../shared/stage/stage-options.ts';
import { deliverOne } from './deliver-event.ts';
import { DONE } from './deliver-outcome.ts';
import { deliverProfileJobs, type ProfileJobPorts } from './deliver-profile-jobs.ts';
import { PROFILE_BULK_THRESHOLD } from './profile-bulk-plan.ts';
import { newestInBatch } from './newest-in-batch.ts';
import { runLimited } from './run-limited.ts';
import { profileStateKeys } from './state-versions.ts';
import { versionOfWrite } from './state-write-version.ts';

export type ProfileRecord = ParsedRecord<KlaviyoProfileUpsertV1>;

/** A message on its first attempt (a record without SQS attributes, built by hand, counts as one). */
const firstTry = (r: ProfileRecord) => !isPlainObject(r.record.attributes) || failedAttemptsOf(r.record) <= 1;

export interface DeliverProfilesPorts extends ProfileJobPorts {
  /** The state check of one write: an outcome when it must not go (stale, or not checkable now). */
  checkState: (record: ProfileRecord) => Promise<RecordOutcome | undefined>;
  /** Upserts from which a job is used (`klaviyo.profile_bulk_threshold`); default PROFILE_BULK_THRESHOLD. */
  threshold?: number;
}

/**
 * Upserts that a newer upsert of the same profile in this batch supersedes (./newest-in-batch.ts): only the newest
 * may join a job, since Klaviyo does not promise to import a job's rows in order.
 */
export function supersededInBatch(records: readonly ProfileRecord[]): Set<string> {
  const { older } = newestInBatch(records, (record) => ({
    keys: profileStateKeys(record.message.profile),
    version: versionOfWrite(record.message),
  }));
  return new Set(older.map((record) => record.id));
}

export async function deliverProfiles(
  records: readonly ProfileRecord[],
  ports: DeliverProfilesPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const firstTries = records.filter(firstTry);
  const threshold = ports.threshold ?? PROFILE_BULK_THRESHOLD;
  const superseded = firstTries.length >= threshold ? supersededInBatch(firstTries) : new Set<string>();
  for (const id of superseded) {
    ports.counters.count('stale_state_skipped');
    ports.logOf(id).info('skipped a profile write older than another for the profile in this batch', {
      outcome: 'stale_state_skipped',
    });
    outcomes.set(id, DONE);
  }

  const going: ProfileRecord[] = [];
  await runLimited(
    records.filter((r) => !superseded.has(r.id)),
    ports.maxInFlight,
    async (record) => {
      const held = await ports.checkState(record);
      if (held) outcomes.set(record.id, held);
      else going.push(record);
    },
  );
  const order = new Map(records.map((r, i) => [r.id, i]));
  going.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));

  const joining = going.filter(firstTry);
  const useJob = joining.length >= threshold;
  const inJob = new Set(useJob ? joining.map((r) => r.id) : []);
  await Promise.all([
    useJob
      ? deliverProfileJobs(
          joining.map((r) => ({ id: r.id, upsert: r.message })),
          ports,
        ).then((done) => done.forEach((outcome, id) => outcomes.set(id, outcome)))
      : undefined,
    runLimited(
      going.filter((r) => !inJob.has(r.id)),
      ports.maxInFlight,
      async (record) => void outcomes.set(record.id, await deliverOne(record.message, record.log, ports)),
    ),
  ]);
  return outcomes;
}

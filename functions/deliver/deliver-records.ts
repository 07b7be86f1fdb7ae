// Custom-object records, as Klaviyo record jobs (record-jobs.ts packs them; ADR 0034). Klaviyo answers a record
// job with 204 and nothing to read back, so that answer decides the outcome of the job's records:
//   - 2xx: delivered;
//   - 429, 401/403, 5xx and timeouts: every record of the job is retried as the retry plan says (a record sent
//     again carries the same id, so Klaviyo updates the record it has rather than adding one);
//   - another 4xx whose pointer names a row (`/data/attributes/data-source-records/data/{i}/…`): that record is
//     dead-lettered with Klaviyo's detail and pointer, and the rest go again in a new job (refused-rows.ts);
//   - another 4xx naming no row (or the rounds ran out): each remaining record goes alone through Create Data
//     Source Record (its own, far larger budget), so each gets its own verdict.
// A record over Klaviyo's 512 KB is dead-lettered before anything is sent; the batch's other records still go.
import type { Logger } from '../shared/logger.ts';
import { MAX_RECORD_BYTES } from '../shared/stage/contracts.ts';
import { PermanentError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import type { SendPorts } from './deliver-event.ts';
import { DONE, outcomeOfError } from './deliver-outcome.ts';
import { KlaviyoRejection } from './klaviyo-client.ts';
import {
  itemAtPointer,
  planRecordJobs,
  toRecordJob,
  type RecordItem,
  type RecordJob,
} from './record-jobs.ts';
import { handleRefusal } from './refused-rows.ts';
import { runLimited } from './run-limited.ts';

/** Bulk record jobs are few and up to 4 MB each: two at a time keeps the pacer fed without holding many. */
const JOBS_IN_FLIGHT = 2;

export interface RecordPorts extends SendPorts {
  log: Logger;
  /** Log of each message, for per-message lines. */
  logOf: (id: string) => Logger;
  maxInFlight: number;
}

export async function deliverRecords(
  items: readonly RecordItem[],
  ports: RecordPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const plan = planRecordJobs(items);

  for (const { item, bytes } of plan.tooLarge) {
    const error = new PermanentError(
      `record ${item.message.record_id} is ${bytes} bytes; Klaviyo takes at most ${MAX_RECORD_BYTES} bytes a record`,
      'record_too_large',
      { data_source_id: item.message.data_source_id, record_id: item.message.record_id, bytes },
    );
    ports.logOf(item.id).warn('record too large for Klaviyo', { bytes, limit: MAX_RECORD_BYTES });
    outcomes.set(item.id, { kind: 'dead-letter', error });
  }

  async function send(job: RecordJob, round: number): Promise<void> {
    try {
      await ports.klaviyo.post(job.path, job.body, { deadline: ports.deadline });
    } catch (error) {
      if (!(error instanceof KlaviyoRejection)) {
        const outcome = outcomeOfError(error, ports.counters);
        for (const { id } of job.items) outcomes.set(id, outcome);
        return;
      }
      const byId = new Map(job.items.map((item) => [item.id, item]));
      const refusal = {
        what: 'record job',
        blamed: (e: KlaviyoRejection) => {
          const item = itemAtPointer(job, e.errors[0]?.source?.pointer);
          return item ? [item.id] : undefined;
        },
        // Sent alone, each record goes through Create Data Source Record, where a refusal can only name it.
        rowJobs: {
          send: (ids: readonly string[], next: number) =>
            send(toRecordJob(ids.flatMap((id) => byId.get(id) ?? [])), next),
          maxInFlight: ports.maxInFlight,
        },
      };
      const ids = job.items.map((item) => item.id);
      return handleRefusal(ids, error, round, refusal, ports, outcomes);
    }
    ports.counters.count('delivered', job.items.length);
    for (const { id, message } of job.items) {
      outcomes.set(id, DONE);
      ports.logOf(id).info('delivered', {
        outcome: 'delivered',
        operation: job.path,
        data_source_id: message.data_source_id,
        record_id: message.record_id,
      });
    }
  }

  // Bulk jobs two at a time; single records as many at once as the other single writes, on their own budget.
  const bulk = plan.jobs.filter((job) => job.items.length > 1);
  const singles = plan.jobs.filter((job) => job.items.length === 1);
  await Promise.all([
    runLimited(bulk, JOBS_IN_FLIGHT, (job) => send(job, 0)),
    runLimited(singles, ports.maxInFlight, (job) => send(job, 0)),
  ]);
  for (const [follower, leader] of plan.followers) {
    const outcome = outcomes.get(leader);
    if (outcome) outcomes.set(follower, outcome);
  }
  return outcomes;
}

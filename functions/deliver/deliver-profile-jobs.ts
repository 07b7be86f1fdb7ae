// Many profile upserts, few calls: Bulk Import Profiles jobs (profile-bulk-plan.ts), each read back
// (profile-job-read.ts) so that no refused profile is dropped silently:
//   - the job's 400-class refusal whose pointer names a row dead-letters that message and the rest go again in a
//     new job (refused-rows.ts); otherwise each goes alone through profile import;
//   - a complete job: each import error dead-letters the message(s) it names with Klaviyo's error (code, detail,
//     source pointer), the others are delivered; when the errors do not account for every failed row, the rows
//     they do not name go alone through profile import, so each gets its own verdict;
//   - a job not finished (or not readable) by the deadline, or ended without completing, fails its messages as
//     retryable, counted in `profile_job_unfinished`: their next attempt goes alone through profile import (an
//     upsert of the same values changes nothing, and the state check runs again first), never into a second job
//     (docs/adr/0031).
import type { Logger } from '../shared/logger.ts';
import { PermanentError, RetryableError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { deliverOne, type SendPorts } from './deliver-event.ts';
import { DONE, outcomeOfError } from './deliver-outcome.ts';
import { KlaviyoRejection, type KlaviyoClient, type KlaviyoReader } from './klaviyo-client.ts';
import {
  PROFILE_JOB_PATHS,
  planProfileJobs,
  rowAtPointer,
  rowsOfImportError,
  toProfileJob,
  type PlannedProfileJob,
  type ProfileItem,
} from './profile-bulk-plan.ts';
import { readProfileJob, type ImportError } from './profile-job-read.ts';
import { handleRefusal } from './refused-rows.ts';
import { runLimited } from './run-limited.ts';

/** Reason of a message whose job was not read back in time: its next attempt goes alone. */
export const PROFILE_JOB_UNFINISHED = 'profile_job_unfinished';
/** Delay before that next attempt (s): time for Klaviyo to finish the job, so the re-import follows it. */
const UNFINISHED_RETRY_SECONDS = 60;

export interface ProfileJobPorts extends SendPorts {
  klaviyo: KlaviyoClient & KlaviyoReader;
  log: Logger;
  logOf: (id: string) => Logger;
  maxInFlight: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const importErrorSummary = (jobId: string, e: ImportError) =>
  `Klaviyo refused the profile in import job ${jobId}: ${[e.code, e.detail ?? e.title, e.source?.pointer]
    .filter(Boolean)
    .join(' · ')}`;

export async function deliverProfileJobs(
  items: readonly ProfileItem[],
  ports: ProfileJobPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const byId = new Map(items.map((item) => [item.id, item]));
  const plan = planProfileJobs(items);

  async function alone(ids: readonly string[]) {
    await runLimited(ids, ports.maxInFlight, async (id) => {
      const item = byId.get(id);
      if (item) outcomes.set(id, await deliverOne(item.upsert, ports.logOf(id), ports));
    });
  }

  function refused(job: PlannedProfileJob, error: KlaviyoRejection, round: number): Promise<void> {
    const refusal = {
      what: 'profile import job',
      blamed: (e: KlaviyoRejection) => {
        const row =
          e.status === 400 || e.status === 422 ? rowAtPointer(job, e.errors[0]?.source?.pointer) : undefined;
        const id = row === undefined ? undefined : job.ids[row];
        return id === undefined ? undefined : [id];
      },
      resend: (ids: readonly string[], next: number) =>
        send(toProfileJob(ids.flatMap((id) => byId.get(id) ?? [])), next),
      alone,
    };
    return handleRefusal(job.ids, error, round, refusal, ports, outcomes);
  }

  function unfinished(job: PlannedProfileJob, jobId: string | undefined, why: string) {
    ports.log.warn('profile import job not read back; its profiles will be imported again, one by one', {
      job_id: jobId,
      why,
      profiles: job.ids.length,
    });
    const error = new RetryableError(
      `profile import job ${jobId ?? '(no id)'} ${why}`,
      PROFILE_JOB_UNFINISHED,
      UNFINISHED_RETRY_SECONDS,
    );
    for (const id of job.ids) outcomes.set(id, { kind: 'retry', error });
    // Counted apart from other retries: a steady count means Klaviyo's jobs take longer than an invocation.
    ports.counters.count(PROFILE_JOB_UNFINISHED, job.ids.length);
  }

  async function send(job: PlannedProfileJob, round: number): Promise<void> {
    let jobId: string | undefined;
    try {
      const response = await ports.klaviyo.post(PROFILE_JOB_PATHS.create, job.body, {
        deadline: ports.deadline,
      });
      const answer = (await response.json().catch(() => undefined)) as
        { data?: { id?: unknown } } | undefined;
      jobId = typeof answer?.data?.id === 'string' ? answer.data.id : undefined;
    } catch (error) {
      if (error instanceof KlaviyoRejection) return refused(job, error, round);
      const outcome = outcomeOfError(error, ports.counters);
      for (const id of job.ids) outcomes.set(id, outcome);
      return;
    }
    if (jobId === undefined) return unfinished(job, undefined, 'was accepted without a job id');
    const read = await readProfileJob(jobId, ports);
    if (read.kind === 'unfinished') return unfinished(job, jobId, read.reason);
    if (read.kind === 'ended') return unfinished(job, jobId, `ended ${read.status} without completing`);

    const blamed = new Map<string, ImportError>();
    let unnamed = 0;
    for (const error of read.errors) {
      const rows = rowsOfImportError(job, error);
      if (rows.length === 0) unnamed++;
      for (const row of rows) {
        const id = job.ids[row];
        if (id !== undefined && !blamed.has(id)) blamed.set(id, error);
      }
    }
    for (const [id, error] of blamed) {
      const summary = importErrorSummary(jobId, error);
      outcomes.set(id, {
        kind: 'dead-letter',
        error: new PermanentError(summary, 'klaviyo_import_error', { job_id: jobId, error }),
      });
      ports.logOf(id).warn('refused by Klaviyo in a profile import job', { job_id: jobId, detail: summary });
    }
    const rest = job.ids.filter((id) => !blamed.has(id));
    // Klaviyo counts failed rows; errors that name no row, or fewer named than failed, leave some unknown.
    if (unnamed > 0 || blamed.size < read.failed) {
      ports.log.warn('import errors do not name every failed profile; importing the others one by one', {
        job_id: jobId,
        failed: read.failed,
        named: blamed.size,
      });
      return alone(rest);
    }
    ports.counters.count('delivered', rest.length);
    ports.log.info('delivered', {
      outcome: 'delivered',
      operation: PROFILE_JOB_PATHS.create,
      job_id: jobId,
      profiles: rest.length,
    });
    for (const id of rest) outcomes.set(id, DONE);
  }

  await alone(plan.alone.map((item) => item.id));
  // Jobs are few and large: two at a time, as bulk events.
  await runLimited(plan.jobs, 2, (job) => send(job, 0));
  return outcomes;
}

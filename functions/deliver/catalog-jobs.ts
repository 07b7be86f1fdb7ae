// Runs catalog rows of one entity and kind as bulk jobs (catalog-plan.ts) and reads each back
// (catalog-job-read.ts), so that every row ends with Klaviyo's verdict — never counted as written unread:
//   - a complete job: each row its errors name is refused with Klaviyo's error; when the errors do not account
//     for every failed row, the rows they do not name go again in jobs of one row, so each gets its own verdict;
//   - the job refused whole (4xx) with a pointer at a row: that row is refused, the rest go again in a new job
//     (up to MAX_CATALOG_ROUNDS times); without one, each row goes again in a job of its own;
//   - 429, 401/403, 5xx and timeouts: the rows are retried as the retry plan says;
//   - not finished (or not readable) by the deadline, or ended without completing: the rows are retried
//     (`catalog_job_unfinished`); catalog writes set the same values again, so a second job is harmless.
// What a refusal means (a missing entity to create, an entity already gone) is deliver-catalog.ts's to decide.
import type { Logger } from '../shared/logger.ts';
import { RetryableError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import type { CatalogEntity } from '../shared/stage/contracts.ts';
import { readCatalogJob, type CatalogRowError } from './catalog-job-read.ts';
import { planCatalogJobs, toCatalogJob, catalogRowAtPointer, catalogRowOfError } from './catalog-plan.ts';
import type { CatalogItem, CatalogJob } from './catalog-plan.ts';
import { catalogJobPaths, type CatalogJobKind } from './catalog-requests.ts';
import type { SendPorts } from './deliver-event.ts';
import { outcomeOfError } from './deliver-outcome.ts';
import { KlaviyoRejection, type KlaviyoClient, type KlaviyoReader } from './klaviyo-client.ts';
import { runLimited } from './run-limited.ts';

export const MAX_CATALOG_ROUNDS = 3;
/** Reason of a row whose job was not read back in time. */
export const CATALOG_JOB_UNFINISHED = 'catalog_job_unfinished';
/** Delay before its next attempt (s): time for Klaviyo to finish the job first. */
const UNFINISHED_RETRY_SECONDS = 60;
/** Jobs of one entity and kind at once: few and large, as profile import jobs. */
const JOBS_AT_ONCE = 2;

export type CatalogVerdict =
  | { kind: 'written'; jobId: string; path: string }
  /** Klaviyo refused the row: its error, the row as sent, the job (absent when the job itself was refused). */
  | { kind: 'refused'; error: CatalogRowError; row: unknown; path: string; jobId?: string }
  | { kind: 'outcome'; outcome: RecordOutcome };

export interface CatalogJobPorts extends SendPorts {
  klaviyo: KlaviyoClient & KlaviyoReader;
  log: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const rowOf = (job: CatalogJob, index: number): unknown =>
  (Object.values(job.body.data.attributes)[0]?.data ?? [])[index];

export async function runCatalogJobs(
  entity: CatalogEntity,
  kind: CatalogJobKind,
  items: readonly CatalogItem[],
  ports: CatalogJobPorts,
): Promise<Map<string, CatalogVerdict>> {
  const verdicts = new Map<string, CatalogVerdict>();
  const paths = catalogJobPaths(entity, kind);

  const refuse = (job: CatalogJob, index: number, error: CatalogRowError, jobId?: string) => {
    const item = job.items[index];
    if (item)
      verdicts.set(item.id, {
        kind: 'refused',
        error,
        row: rowOf(job, index),
        path: job.path,
        ...(jobId === undefined ? {} : { jobId }),
      });
  };
  const eachAlone = (job: CatalogJob, round: number) =>
    runLimited(job.items, JOBS_AT_ONCE, (item) => send(toCatalogJob(entity, kind, [item]), round));

  function unfinished(job: CatalogJob, jobId: string | undefined, why: string) {
    ports.log.warn('catalog job not read back; its rows will be sent again', {
      operation: job.path,
      job_id: jobId,
      why,
      rows: job.items.length,
    });
    const error = new RetryableError(
      `catalog job ${jobId ?? '(no id)'} at ${job.path} ${why}`,
      CATALOG_JOB_UNFINISHED,
      UNFINISHED_RETRY_SECONDS,
    );
    for (const { id } of job.items) verdicts.set(id, { kind: 'outcome', outcome: { kind: 'retry', error } });
  }

  async function refusedWhole(job: CatalogJob, error: KlaviyoRejection, round: number): Promise<void> {
    const first = error.errors[0];
    const described: CatalogRowError = { ...first, detail: first?.detail ?? error.message };
    const row = catalogRowAtPointer(job, first?.source?.pointer);
    if (job.items.length === 1) return refuse(job, 0, described);
    if (row === undefined || round >= MAX_CATALOG_ROUNDS) {
      ports.log.warn('catalog job refused without naming a row; sending its rows one a job', {
        operation: job.path,
        status: error.status,
        detail: error.message,
        rows: job.items.length,
      });
      return eachAlone(job, MAX_CATALOG_ROUNDS);
    }
    refuse(job, row, described);
    const rest = job.items.filter((_, i) => i !== row);
    if (rest.length > 0) await send(toCatalogJob(entity, kind, rest), round + 1);
  }

  async function send(job: CatalogJob, round: number): Promise<void> {
    let jobId: string | undefined;
    try {
      const response = await ports.klaviyo.post(job.path, job.body, { deadline: ports.deadline });
      const answer = (await response.json().catch(() => undefined)) as
        { data?: { id?: unknown } } | undefined;
      jobId = typeof answer?.data?.id === 'string' ? answer.data.id : undefined;
    } catch (error) {
      if (error instanceof KlaviyoRejection) return refusedWhole(job, error, round);
      const outcome = outcomeOfError(error, ports.counters);
      for (const { id } of job.items) verdicts.set(id, { kind: 'outcome', outcome });
      return;
    }
    if (jobId === undefined) return unfinished(job, undefined, 'was accepted without a job id');
    const read = await readCatalogJob(paths.jobOf(jobId), paths.job, ports);
    if (read.kind === 'unfinished') return unfinished(job, jobId, read.reason);
    if (read.kind === 'ended') return unfinished(job, jobId, `ended ${read.status} without completing`);

    const named = new Set<number>();
    let unnamed = 0;
    for (const error of read.errors) {
      const row = catalogRowOfError(job, error);
      if (row === undefined) unnamed++;
      else if (!named.has(row)) {
        named.add(row);
        refuse(job, row, error, jobId);
      }
    }
    const rest = job.items.filter((_, i) => !named.has(i));
    if (rest.length > 0 && (unnamed > 0 || named.size < read.failed)) {
      if (job.items.length === 1) {
        const error = read.errors[0] ?? {
          code: 'failed',
          detail: `Klaviyo counted the row as failed in job ${jobId} without naming an error`,
        };
        return refuse(job, 0, error, jobId);
      }
      ports.log.warn('catalog job errors do not name every failed row; sending the others one a job', {
        operation: job.path,
        job_id: jobId,
        failed: read.failed,
        named: named.size,
      });
      return eachAlone(toCatalogJob(entity, kind, rest), round + 1);
    }
    for (const { id } of rest) verdicts.set(id, { kind: 'written', jobId, path: job.path });
  }

  await runLimited(planCatalogJobs(entity, kind, items), JOBS_AT_ONCE, (job) => send(job, 0));
  return verdicts;
}

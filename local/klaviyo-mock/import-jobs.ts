// Bulk profile import jobs as Klaviyo runs them: accepted (`queued`), then `processing`, then `complete`, when
// each valid row has been applied as a profile upsert and each refused row recorded as an import error with
// the row it belongs to. The mock completes a job deterministically (options.bulkImportJobs): at once by
// default, or at a later read of the job after some reads answered `processing` and some mock time passed.
import { MockHttpError } from './errors.ts';
import { emailProblem, phoneProblem } from './profile-checks.ts';
import type { ImportRowError, RecordedImportJob } from './types-jobs.ts';

export interface ImportJobTiming {
  processingReads: number;
  delayMs: number;
}

/** Applies one row as a profile upsert and returns the profile id; throws a MockHttpError to refuse it. */
export type ApplyRow = (profile: Record<string, unknown>, pointer: string) => string;

const ROWS = '/data/attributes/profiles/data';

/** Klaviyo's per-row checks of a bulk import: identifier formats and the per-profile payload size. */
function rowProblem(
  profile: Record<string, unknown>,
  index: number,
  maxProfileBytes?: number,
): ImportRowError | null {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  const at = `${ROWS}/${index}`;
  const email = emailProblem(attributes.email);
  if (email !== null)
    return { code: 'invalid', title: 'Invalid input.', detail: email, pointer: `${at}/attributes/email` };
  const phone = phoneProblem(attributes.phone_number);
  if (phone !== null)
    return {
      code: 'invalid',
      title: 'Invalid input.',
      detail: phone,
      pointer: `${at}/attributes/phone_number`,
    };
  const size = Buffer.byteLength(JSON.stringify(profile));
  if (maxProfileBytes !== undefined && size > maxProfileBytes)
    return {
      code: 'invalid',
      title: 'Invalid input.',
      detail: `A profile may be at most ${maxProfileBytes} bytes (got ${size}).`,
      pointer: at,
    };
  return null;
}

export class ImportJobStore {
  private jobs = new Map<string, RecordedImportJob>();
  /** Each job's per-profile size limit, from the create operation's contract. */
  private maxProfileBytes = new Map<string, number | undefined>();

  constructor(private readonly timing: ImportJobTiming = { processingReads: 0, delayMs: 0 }) {
    for (const n of [timing.processingReads, timing.delayMs])
      if (!Number.isInteger(n) || n < 0)
        throw new Error('bulkImportJobs: processingReads and delayMs must be integers ≥ 0');
  }

  /** Records a new job; completes it at once when the timing says so. */
  create(
    id: string,
    profiles: Record<string, unknown>[],
    listIds: string[],
    now: number,
    apply: ApplyRow,
    maxProfileBytes?: number,
  ): RecordedImportJob {
    const job: RecordedImportJob = {
      id,
      status: 'queued',
      createdAt: new Date(now).toISOString(),
      startedAt: null,
      completedAt: null,
      listIds,
      totalCount: profiles.length,
      completedCount: 0,
      failedCount: 0,
      reads: 0,
      rows: profiles.map((profile, index) => ({
        index,
        profile: structuredClone(profile),
        outcome: 'pending',
        profileId: null,
        error: null,
      })),
    };
    this.jobs.set(id, job);
    this.maxProfileBytes.set(id, maxProfileBytes);
    const snapshot = structuredClone(job);
    if (this.timing.processingReads === 0 && this.timing.delayMs === 0) this.complete(job, now, apply);
    return snapshot;
  }

  /** A read of the job: it answers `processing` until its time comes, then completes. Undefined when unknown. */
  read(id: string, now: number, apply: ApplyRow): RecordedImportJob | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.status !== 'complete') {
      const due =
        job.reads >= this.timing.processingReads && now >= Date.parse(job.createdAt) + this.timing.delayMs;
      if (due) this.complete(job, now, apply);
      else {
        job.status = 'processing';
        job.startedAt ??= new Date(now).toISOString();
      }
    }
    job.reads += 1;
    return structuredClone(job);
  }

  /** The job as recorded, without counting a read. */
  get(id: string): RecordedImportJob | undefined {
    const job = this.jobs.get(id);
    return job && structuredClone(job);
  }

  list(): RecordedImportJob[] {
    return structuredClone([...this.jobs.values()]);
  }

  reset(): void {
    this.jobs.clear();
    this.maxProfileBytes.clear();
  }

  private complete(job: RecordedImportJob, now: number, apply: ApplyRow): void {
    for (const row of job.rows) {
      const pointer = `${ROWS}/${row.index}`;
      row.error = rowProblem(row.profile, row.index, this.maxProfileBytes.get(job.id));
      if (row.error === null)
        try {
          row.profileId = apply(row.profile, pointer);
        } catch (error) {
          // A row Klaviyo cannot apply (two profiles own its identifiers…) is an import error, not a failed job.
          if (!(error instanceof MockHttpError)) throw error;
          const first = error.document.errors[0];
          row.error = {
            code: first?.code ?? 'invalid',
            title: first?.title ?? 'Invalid input.',
            detail: first?.detail ?? error.message,
            // Located in the row, whatever part of the request the single-profile error would name.
            pointer: first?.source.pointer?.startsWith(pointer)
              ? first.source.pointer
              : `${pointer}/attributes`,
          };
        }
      row.outcome = row.error === null ? 'applied' : 'failed';
    }
    const stamp = new Date(now).toISOString();
    job.status = 'complete';
    job.startedAt ??= stamp;
    job.completedAt = stamp;
    job.completedCount = job.rows.filter((r) => r.outcome === 'applied').length;
    job.failedCount = job.rows.length - job.completedCount;
  }
}

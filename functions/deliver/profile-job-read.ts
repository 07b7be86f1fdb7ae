// Reads a Bulk Import Profiles job back: GET the job until Klaviyo has finished it, then, when rows failed, its
// import errors page by page (`links.next`). Each read is paced on its own endpoint's budget, and nothing starts
// past the invocation's deadline: a job not finished (or not readable) by then is reported unfinished, and the
// caller decides what becomes of its messages (docs/adr/0031-bulk-import-profiles.md).
import { isPlainObject } from '../shared/json/is-plain-object.ts';
import type { KlaviyoReader } from './klaviyo-client.ts';
import { PROFILE_JOB_PATHS } from './profile-bulk-plan.ts';

/** One import error, as Klaviyo lists it (get_errors_for_bulk_import_profiles_job). */
export interface ImportError {
  id?: string;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string | null } | null;
  original_payload?: unknown;
}

export type JobReadBack =
  | { kind: 'complete'; failed: number; errors: ImportError[] }
  /** Klaviyo ended the job without completing it (`cancelled`, or a status it may add). */
  | { kind: 'ended'; status: string }
  | { kind: 'unfinished'; reason: string };

export interface JobReadPorts {
  klaviyo: KlaviyoReader;
  /** Local time (ms) after which no read may start. */
  deadline: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Waits before each look at the job (ms): a job of a few profiles is usually done within a second or two; the
 * waits grow so that a slow job costs few reads of the 10/s, 150/m budget.
 */
export const JOB_LOOK_WAITS_MS = [1_000, 1_000, 2_000, 4_000, 8_000];
const STILL_RUNNING = new Set(['queued', 'processing']);
/** Errors per page: Klaviyo's largest (default 20), so a job with many refused rows takes few reads. */
const ERRORS_PAGE_SIZE = 100;

async function documentOf(response: Response): Promise<Record<string, unknown>> {
  const parsed: unknown = await response.json().catch(() => undefined);
  if (!isPlainObject(parsed))
    throw new Error(`answer is not a JSON:API document (status ${response.status})`);
  return parsed;
}

const countOf = (value: unknown) => (typeof value === 'number' && value > 0 ? value : 0);

async function importErrors(jobId: string, ports: JobReadPorts): Promise<ImportError[]> {
  const errors: ImportError[] = [];
  let next: string | undefined =
    `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}/import-errors?page[size]=${ERRORS_PAGE_SIZE}`;
  while (next !== undefined) {
    const response = await ports.klaviyo.get(next, {
      budget: PROFILE_JOB_PATHS.errors,
      deadline: ports.deadline,
    });
    const document = await documentOf(response);
    if (!Array.isArray(document.data)) throw new Error('import errors answer has no data');
    for (const resource of document.data as unknown[]) {
      const attributes =
        isPlainObject(resource) && isPlainObject(resource.attributes) ? resource.attributes : {};
      errors.push({
        ...(attributes as ImportError),
        ...(isPlainObject(resource) ? { id: String(resource.id) } : {}),
      });
    }
    const links = isPlainObject(document.links) ? document.links : {};
    const link = typeof links.next === 'string' && links.next !== '' ? links.next : undefined;
    if (link === next) throw new Error('import errors: links.next repeats the page just read');
    next = link;
  }
  return errors;
}

export async function readProfileJob(jobId: string, ports: JobReadPorts): Promise<JobReadBack> {
  const path = `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}`;
  let status = 'unknown';
  try {
    for (let look = 0; ; look++) {
      const wait = JOB_LOOK_WAITS_MS[Math.min(look, JOB_LOOK_WAITS_MS.length - 1)] ?? 1_000;
      if (ports.now() + wait >= ports.deadline)
        return { kind: 'unfinished', reason: `still ${status} when the invocation's time ran out` };
      await ports.sleep(wait);
      const document = await documentOf(
        await ports.klaviyo.get(path, { budget: PROFILE_JOB_PATHS.job, deadline: ports.deadline }),
      );
      const data = isPlainObject(document.data) ? document.data : {};
      const attributes = isPlainObject(data.attributes) ? data.attributes : {};
      status = typeof attributes.status === 'string' ? attributes.status : 'without a status';
      if (STILL_RUNNING.has(status)) continue;
      if (status !== 'complete') return { kind: 'ended', status };
      const failed = countOf(attributes.failed_count);
      return { kind: 'complete', failed, errors: failed > 0 ? await importErrors(jobId, ports) : [] };
    }
  } catch (error) {
    return { kind: 'unfinished', reason: `could not be read back: ${(error as Error).message}` };
  }
}

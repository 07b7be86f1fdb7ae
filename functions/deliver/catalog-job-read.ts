// Reads a bulk catalog job back: GET the job until Klaviyo has finished it (`complete`, or `cancelled`). A
// catalog job's document carries the errors of its refused rows itself. Each read is paced on the read
// endpoint's own budget (the path template), and nothing starts past the invocation's deadline: a job not
// finished (or not readable) by then is reported unfinished, and the caller decides what becomes of its rows
// (docs/adr/0033-catalog-sync.md; the same waits as a profile import job, profile-job-read.ts).
import { isPlainObject } from '../shared/json/is-plain-object.ts';
import type { JobReadPorts } from './profile-job-read.ts';
import { JOB_LOOK_WAITS_MS } from './profile-job-read.ts';

/** One refused row, as a catalog job lists it (`attributes.errors`). */
export interface CatalogRowError {
  id?: string;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string | null } | null;
}

export type CatalogJobReadBack =
  | { kind: 'complete'; failed: number; errors: CatalogRowError[] }
  | { kind: 'ended'; status: string }
  | { kind: 'unfinished'; reason: string };

const STILL_RUNNING = new Set(['queued', 'processing']);
const countOf = (value: unknown) => (typeof value === 'number' && value > 0 ? value : 0);

export async function readCatalogJob(
  path: string,
  budget: string,
  ports: JobReadPorts,
): Promise<CatalogJobReadBack> {
  let status = 'unknown';
  try {
    for (let look = 0; ; look++) {
      const wait = JOB_LOOK_WAITS_MS[Math.min(look, JOB_LOOK_WAITS_MS.length - 1)] ?? 1_000;
      if (ports.now() + wait >= ports.deadline)
        return { kind: 'unfinished', reason: `still ${status} when the invocation's time ran out` };
      await ports.sleep(wait);
      const response = await ports.klaviyo.get(path, { budget, deadline: ports.deadline });
      const document: unknown = await response.json().catch(() => undefined);
      if (!isPlainObject(document))
        throw new Error(`answer is not a JSON:API document (status ${response.status})`);
      const data = isPlainObject(document.data) ? document.data : {};
      const attributes = isPlainObject(data.attributes) ? data.attributes : {};
      status = typeof attributes.status === 'string' ? attributes.status : 'without a status';
      if (STILL_RUNNING.has(status)) continue;
      if (status !== 'complete') return { kind: 'ended', status };
      const errors = Array.isArray(attributes.errors)
        ? attributes.errors.filter(isPlainObject).map((e) => e as CatalogRowError)
        : [];
      return { kind: 'complete', failed: countOf(attributes.failed_count), errors };
    }
  } catch (error) {
    return { kind: 'unfinished', reason: `could not be read back: ${(error as Error).message}` };
  }
}

// What Klaviyo's refusal of a catalog row means for an upsert or a delete. The job errors' codes are not in
// Klaviyo's operation files, so a refusal is read by its code and its words: "not found" / "does not exist" (an
// update of an entity Klaviyo does not have: create it; a delete of one already gone: done) and "already
// exists" (a create that another write beat: retry, and the retry's update finds it). Anything else is
// dead-lettered with Klaviyo's error and the row, so a refusal read wrongly is kept, never dropped.
import { PermanentError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import type { CatalogRowError } from './catalog-job-read.ts';
import type { CatalogVerdict } from './catalog-jobs.ts';

const words = (e: CatalogRowError) => `${e.code ?? ''} ${e.title ?? ''} ${e.detail ?? ''}`;

const notFound = (e: CatalogRowError): boolean =>
  e.code === 'not_found' || /\bnot found\b|does not exist|doesn't exist/i.test(words(e));
const alreadyThere = (e: CatalogRowError): boolean =>
  e.code === 'conflict' || e.code === 'duplicate' || /already exists?\b|\bduplicate\b/i.test(words(e));

type Refused = Extract<CatalogVerdict, { kind: 'refused' }>;

/**
 * Only a row error of a job Klaviyo ran (`jobId`) speaks of the row's entity: a 404 or 409 answered to the job's
 * POST (a wrong base URL, an endpoint the revision lacks) says nothing of it, and is dead-lettered.
 */
export const isNotFound = (refused: Refused): boolean =>
  refused.jobId !== undefined && notFound(refused.error);
export const isAlreadyThere = (refused: Refused): boolean =>
  refused.jobId !== undefined && alreadyThere(refused.error);

export const summaryOf = (e: CatalogRowError): string =>
  [e.code, e.detail ?? e.title, e.source?.pointer].filter(Boolean).join(' · ');

/** The dead letter of a refused row: Klaviyo's error, the row as sent, the job; `before`, an earlier refusal. */
export function refusedRow(refused: Refused, before?: Refused): RecordOutcome {
  const summary =
    `Klaviyo refused the catalog row at ${refused.path}${refused.jobId ? ` (job ${refused.jobId})` : ''}: ` +
    summaryOf(refused.error) +
    (before ? `; before that, at ${before.path}: ${summaryOf(before.error)}` : '');
  return {
    kind: 'dead-letter',
    error: new PermanentError(summary, 'klaviyo_catalog_error', {
      operation: refused.path,
      job_id: refused.jobId,
      error: refused.error,
      row: refused.row,
      ...(before ? { earlier: { operation: before.path, job_id: before.jobId, error: before.error } } : {}),
    }),
  };
}

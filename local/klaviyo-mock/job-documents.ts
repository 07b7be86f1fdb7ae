// The JSON:API documents Klaviyo answers for bulk profile import jobs: the job (on create and on read) and a
// page of its import errors (`page[size]` 1–100, default 20; `page[cursor]` from the `next` link).
import { invalidParameter } from './errors.ts';
import type { RecordedImportJob } from './types-jobs.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** The job resource document (`PostProfileImportJobResponse` / `GetProfileImportJobResponse…`). */
export function importJobDocument(job: RecordedImportJob, baseUrl: string, withLists: boolean): unknown {
  const self = `${baseUrl}/api/profile-bulk-import-jobs/${job.id}/`;
  return {
    data: {
      type: 'profile-bulk-import-job',
      id: job.id,
      attributes: {
        status: job.status,
        created_at: job.createdAt,
        total_count: job.totalCount,
        completed_count: job.completedCount,
        failed_count: job.failedCount,
        completed_at: job.completedAt,
        expires_at: new Date(Date.parse(job.createdAt) + WEEK_MS).toISOString(),
        started_at: job.startedAt,
      },
      ...(withLists && job.listIds.length > 0
        ? {
            relationships: {
              lists: {
                data: job.listIds.map((id) => ({ type: 'list', id })),
                links: { self: `${self}relationships/lists/`, related: `${self}lists/` },
              },
            },
          }
        : {}),
      links: { self },
    },
    links: { self: withLists ? `${baseUrl}/api/profile-bulk-import-jobs` : self },
  };
}

function pageSize(query: URLSearchParams): number {
  const raw = query.get('page[size]');
  if (raw === null) return 20;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 100)
    throw invalidParameter(
      'page[size]',
      `page[size] must be an integer from 1 to 100, got ${JSON.stringify(raw)}.`,
    );
  return size;
}

function cursor(query: URLSearchParams): number {
  const raw = query.get('page[cursor]');
  if (raw === null) return 0;
  const offset = Number(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0)
    throw invalidParameter('page[cursor]', `Invalid page[cursor] ${JSON.stringify(raw)}.`);
  return offset;
}

/** One page of the job's import errors, each with the row it belongs to (pointer and the profile as sent). */
export function importErrorsDocument(
  job: RecordedImportJob,
  baseUrl: string,
  query: URLSearchParams,
): unknown {
  const size = pageSize(query);
  const offset = cursor(query);
  const failed = job.rows.filter((row) => row.error !== null);
  const base = `${baseUrl}/api/profile-bulk-import-jobs/${job.id}/import-errors/`;
  const link = (at: number): string =>
    `${base}?page[size]=${size}&page[cursor]=${Buffer.from(String(at)).toString('base64url')}`;
  return {
    data: failed.slice(offset, offset + size).map((row) => ({
      type: 'import-error',
      id: `${job.id}-${row.index}`,
      attributes: {
        code: row.error?.code,
        title: row.error?.title,
        detail: row.error?.detail,
        source: { pointer: row.error?.pointer ?? null },
        original_payload: row.profile,
      },
    })),
    links: {
      self: offset === 0 ? base : link(offset),
      ...(offset > 0 ? { prev: link(Math.max(0, offset - size)) } : {}),
      ...(offset + size < failed.length ? { next: link(offset + size) } : {}),
    },
  };
}

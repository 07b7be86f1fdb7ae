// Packs a batch's profile upserts into Bulk Import Profiles jobs that Klaviyo will accept whole: at most 10,000
// profiles and (with room to spare) 5 MB a job, each profile the very resource profile import would send
// (profileImportBody), so a profile means the same in a job as alone. Each job remembers which message sits at
// which row, so that an import error (by its pointer, else by the payload it quotes) names the message at fault.
import { DEFAULT_PROFILE_BULK_THRESHOLD } from '../shared/config/klaviyo-settings.ts';
import type { KlaviyoProfileUpsertV1 } from '../shared/stage/contracts.ts';
import { isPlainObject } from '../shared/json/is-plain-object.ts';
import { profileImportBody } from './klaviyo-requests.ts';

/** Where the job and its read-back live; each is its own budget at Klaviyo (endpoint-pacers.ts). */
export const PROFILE_JOB_PATHS = {
  create: '/api/profile-bulk-import-jobs',
  job: '/api/profile-bulk-import-jobs/{job_id}',
  errors: '/api/profile-bulk-import-jobs/{id}/import-errors',
} as const;

/**
 * Profile upserts in a batch from which one job replaces profile imports, when the caller gives none: the
 * default of `klaviyo.profile_bulk_threshold`, whose description says why 20.
 */
export const PROFILE_BULK_THRESHOLD = DEFAULT_PROFILE_BULK_THRESHOLD;
export const PROFILE_JOB_MAX_PROFILES = 10_000;
/** Klaviyo's 5 MB, less a margin for the envelope and for counting MB as 10^6 bytes. */
export const PROFILE_JOB_MAX_BYTES = 4_800_000;
/** Klaviyo's 100 KB per profile: a larger one goes alone through profile import, which answers for it. */
export const PROFILE_JOB_MAX_PROFILE_BYTES = 100_000;

export interface ProfileItem {
  /** The SQS message id the upsert came from. */
  id: string;
  upsert: KlaviyoProfileUpsertV1;
}

export interface PlannedProfileJob {
  body: ReturnType<typeof bulkImportProfilesBody>;
  /** ids[row]: the message behind each row of attributes.profiles.data. */
  ids: string[];
}

export interface ProfileJobPlan {
  jobs: PlannedProfileJob[];
  /** Upserts too large for a job: sent alone. */
  alone: ProfileItem[];
}

export function bulkImportProfilesBody(upserts: readonly KlaviyoProfileUpsertV1[]) {
  return {
    data: {
      type: 'profile-bulk-import-job' as const,
      attributes: { profiles: { data: upserts.map((upsert) => profileImportBody(upsert).data) } },
    },
  };
}

/** Splits in arrival order, so two upserts of one profile keep their order within and across jobs. */
export function planProfileJobs(
  items: readonly ProfileItem[],
  limits: { maxProfiles?: number; maxBytes?: number } = {},
): ProfileJobPlan {
  const maxProfiles = limits.maxProfiles ?? PROFILE_JOB_MAX_PROFILES;
  const maxBytes = limits.maxBytes ?? PROFILE_JOB_MAX_BYTES;
  const jobs: ProfileItem[][] = [];
  const alone: ProfileItem[] = [];
  let open: ProfileItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(profileImportBody(item.upsert).data));
    if (size > PROFILE_JOB_MAX_PROFILE_BYTES) {
      alone.push(item);
      continue;
    }
    if (open.length > 0 && (open.length >= maxProfiles || bytes + size + 1 > maxBytes)) {
      jobs.push(open);
      open = [];
      bytes = 0;
    }
    open.push(item);
    bytes += size + 1;
  }
  if (open.length > 0) jobs.push(open);
  return { jobs: jobs.map(toProfileJob), alone };
}

export function toProfileJob(items: readonly ProfileItem[]): PlannedProfileJob {
  return { body: bulkImportProfilesBody(items.map((i) => i.upsert)), ids: items.map((i) => i.id) };
}

const ROW_POINTER = /^\/data\/attributes\/profiles\/data\/(\d+)(?:\/|$)/;

/** The row an error pointer names (`/data/attributes/profiles/data/{row}/…`), if any. */
export function rowAtPointer(job: PlannedProfileJob, pointer: string | null | undefined): number | undefined {
  const match = pointer ? ROW_POINTER.exec(pointer) : null;
  const row = match ? Number(match[1]) : undefined;
  return row !== undefined && row < job.ids.length ? row : undefined;
}

const IDENTIFIERS = ['id', 'email', 'phone_number', 'external_id'] as const;

/**
 * The rows an import error names: by its pointer when that names a row; else by the payload it quotes
 * (`original_payload`: the profile resource or its attributes), first as the same payload, then as the same
 * identifiers. Empty when it names none.
 */
export function rowsOfImportError(
  job: PlannedProfileJob,
  error: { source?: { pointer?: string | null } | null; original_payload?: unknown },
): number[] {
  const row = rowAtPointer(job, error.source?.pointer);
  if (row !== undefined) return [row];
  const quoted = error.original_payload;
  if (!isPlainObject(quoted)) return [];
  const resources = job.body.data.attributes.profiles.data;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const exact = resources.flatMap((r, i) => (same(r, quoted) || same(r.attributes, quoted) ? [i] : []));
  if (exact.length > 0) return exact;
  const attributes = isPlainObject(quoted.attributes) ? quoted.attributes : quoted;
  const named = IDENTIFIERS.flatMap((key) => {
    const value = key === 'id' ? (quoted.id ?? attributes.id) : attributes[key];
    return typeof value === 'string' ? [[key, value] as const] : [];
  });
  if (named.length === 0) return [];
  return resources.flatMap((r, i) => {
    const mine: Record<string, unknown> = { ...r.attributes, ...('id' in r ? { id: r.id } : {}) };
    return named.every(([key, value]) => mine[key] === value) ? [i] : [];
  });
}

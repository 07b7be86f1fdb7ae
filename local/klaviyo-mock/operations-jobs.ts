// What the consent and bulk profile import operations do with a valid request: Bulk Subscribe and Bulk
// Unsubscribe record consent per profile and channel (and list membership); Bulk Import Profiles records a job
// that applies its rows when it completes; the two reads answer the job and its import errors.
import { invalid, jobNotFound } from './errors.ts';
import type { ApplyRow } from './import-jobs.ts';
import { importErrorsDocument, importJobDocument } from './job-documents.ts';
import type { OperationContext, OperationResult } from './operation-context.ts';
import { readBulkImportProfiles } from './rules.ts';
import { readBulkSubscribe, readBulkUnsubscribe, type ConsentJob } from './rules-consent.ts';
import { newId, profileLabel } from './store.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

type Via = 'bulk_subscribe_profiles' | 'bulk_unsubscribe_profiles';

/** Bulk Subscribe or Bulk Unsubscribe Profiles: 202 with no body, every profile recorded before answering. */
export function consentJob(via: Via, body: unknown, ctx: OperationContext): OperationResult {
  const job: ConsentJob =
    via === 'bulk_subscribe_profiles' ? readBulkSubscribe(body, ctx.now) : readBulkUnsubscribe(body, ctx.now);
  // Every named profile id must exist before anything is recorded: a bad request records nothing.
  for (const item of job.items)
    if (item.id !== null && !ctx.store.hasProfile(item.id))
      throw invalid(`No profile with id '${item.id}' exists.`, `${item.pointer}/id`);
  const jobId = newId(ctx.now);
  for (const item of job.items) {
    const attributes: Record<string, unknown> = {};
    if (item.email !== null) attributes.email = item.email;
    if (item.phone_number !== null) attributes.phone_number = item.phone_number;
    const { profile } = ctx.store.upsertProfile({ id: item.id, attributes }, ctx.now, item.pointer, 'first');
    for (const { channel, consentedAt } of item.channels) {
      const write = {
        via,
        jobId,
        profileId: profile.id,
        email: item.email,
        phone_number: item.phone_number,
        channel,
        listId: job.listId,
        consentedAt,
        historicalImport: job.historicalImport,
        customSource: job.customSource,
      };
      const change =
        via === 'bulk_subscribe_profiles'
          ? ctx.store.consent.subscribe(write, ctx.now)
          : ctx.store.consent.unsubscribe(write, ctx.now);
      ctx.log(
        `klaviyo-mock ← ${channel} marketing ${change.state} ${profileLabel(profile)}` +
          (change.listId === null ? '' : ` (list ${change.listId})`) +
          (change.scope === 'global' ? ' [global]' : '') +
          (change.historicalImport ? ` [historical, consented ${change.consentedAt ?? '?'}]` : ''),
      );
    }
  }
  return { status: 202 };
}

function applyRow(ctx: OperationContext, listIds: string[]): ApplyRow {
  return (resource, pointer) => {
    const { meta, ...attributes } = isPlainObject(resource.attributes) ? resource.attributes : {};
    const id = typeof resource.id === 'string' ? resource.id : null;
    const { profile, created } = ctx.store.upsertProfile(
      { id, attributes, meta: resource.meta ?? meta },
      ctx.now,
      pointer,
      'error',
    );
    for (const listId of listIds) ctx.store.consent.addToList(listId, profile.id);
    ctx.log(
      `klaviyo-mock ← profile ${created ? 'created' : 'updated'} ${profileLabel(profile)} (id ${profile.id}) [bulk import]`,
    );
    return profile.id;
  };
}

const listIdsOf = (body: unknown): string[] => {
  const lists = (body as { data?: { relationships?: { lists?: { data?: unknown } } } }).data?.relationships
    ?.lists?.data;
  return Array.isArray(lists) ? lists.map((l) => String((l as { id: unknown }).id)) : [];
};

/** Bulk Import Profiles: 202 with the job (`queued`); its rows are applied when the job completes. */
export function createImportJob(body: unknown, ctx: OperationContext): OperationResult {
  readBulkImportProfiles(body); // the request-level checks (a profile identifier each)
  const listIds = listIdsOf(body);
  const resources = (body as { data: { attributes: { profiles: { data: Record<string, unknown>[] } } } }).data
    .attributes.profiles.data;
  const id = newId(ctx.now);
  const job = ctx.store.importJobs.create(
    id,
    resources,
    listIds,
    ctx.now,
    applyRow(ctx, listIds),
    ctx.limits.maxProfileBytes,
  );
  const after = ctx.store.importJobs.get(id);
  ctx.log(
    `klaviyo-mock ← bulk profile import job ${id}: ${job.totalCount} profiles` +
      (after?.status === 'complete'
        ? `, ${after.completedCount} applied, ${after.failedCount} failed`
        : ', queued'),
  );
  // What Klaviyo says of a job it has just accepted, even when the mock has applied it already.
  return { status: 202, body: importJobDocument(job, ctx.baseUrl, true) };
}

/** Get Bulk Import Profiles Job: the job, completing it when its time has come. */
export function readImportJob(ctx: OperationContext): OperationResult {
  const id = ctx.params.job_id ?? '';
  const before = ctx.store.importJobs.get(id);
  if (!before) throw jobNotFound(id);
  const job = ctx.store.importJobs.read(id, ctx.now, applyRow(ctx, before.listIds));
  if (!job) throw jobNotFound(id);
  return { status: 200, body: importJobDocument(job, ctx.baseUrl, false) };
}

/** Get Errors for Bulk Import Profiles Job: a page of the rows the job refused (none until it completes). */
export function readImportErrors(ctx: OperationContext): OperationResult {
  const id = ctx.params.id ?? '';
  const job = ctx.store.importJobs.get(id);
  if (!job) throw jobNotFound(id);
  return { status: 200, body: importErrorsDocument(job, ctx.baseUrl, ctx.query) };
}

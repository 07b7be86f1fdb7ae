// A Klaviyo stand-in that applies writes the way the real one may: a profile import at once (before it answers), a
// Bulk Import Profiles job or a consent job only when the test lets Klaviyo process it, in whatever order the test
// picks. What it holds at the end is the state "at Klaviyo" that the ordering tests judge.
import type { KlaviyoClient, KlaviyoReader } from '../../functions/deliver/klaviyo-client.ts';
import { PROFILE_JOB_PATHS } from '../../functions/deliver/profile-bulk-plan.ts';

interface ProfileRow {
  attributes: { email?: string; first_name?: string; subscriptions?: Record<string, unknown> };
}
type Answer = (path: string, body: unknown) => Error | undefined;

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status });

export function fakeAsyncKlaviyo() {
  /** first_name by email, as Klaviyo holds it. */
  const names = new Map<string, string | undefined>();
  /** Email marketing consent by email, as Klaviyo holds it. */
  const consent = new Map<string, 'subscribed' | 'unsubscribed'>();
  const importJobs = new Map<string, { rows: ProfileRow[]; done: boolean }>();
  const consentJobs: { id: string; apply: () => void; done: boolean }[] = [];
  const posted: { path: string; body: unknown }[] = [];
  let refuse: Answer | undefined;
  let jobCount = 0;

  const applyProfile = (row: ProfileRow) => {
    if (row.attributes.email !== undefined) names.set(row.attributes.email, row.attributes.first_name);
  };
  const rowsOf = (body: unknown) =>
    (body as { data: { attributes: { profiles: { data: ProfileRow[] } } } }).data.attributes.profiles.data;

  const klaviyo: KlaviyoClient & KlaviyoReader = {
    post(path, body) {
      posted.push({ path, body });
      const error = refuse?.(path, body);
      if (error) return Promise.reject(error);
      if (path === '/api/profile-import') {
        applyProfile((body as { data: ProfileRow }).data);
        return Promise.resolve(json({ data: { type: 'profile', id: 'P' } }, 201));
      }
      const id = `JOB${jobCount++}`;
      if (path === PROFILE_JOB_PATHS.create) {
        importJobs.set(id, { rows: rowsOf(body), done: false });
        return Promise.resolve(json({ data: { type: 'profile-bulk-import-job', id } }, 202));
      }
      const state = path.includes('bulk-create') ? 'subscribed' : 'unsubscribed';
      const emails = rowsOf(body).flatMap((row) => row.attributes.email ?? []);
      consentJobs.push({
        id,
        done: false,
        apply: () => emails.forEach((email) => consent.set(email, state)),
      });
      return Promise.resolve(new Response(null, { status: 202 }));
    },
    get(path) {
      const id = new URL(path, 'http://klaviyo.test').pathname.split('/').pop() ?? '';
      const job = importJobs.get(id);
      const status = job?.done ? 'complete' : 'processing';
      return Promise.resolve(
        json({
          data: {
            type: 'profile-bulk-import-job',
            id,
            attributes: { status, total_count: job?.rows.length ?? 0, failed_count: 0 },
          },
        }),
      );
    },
  };

  return {
    klaviyo,
    names,
    consent,
    posted,
    /** Answers every later call this error (when it gives one) instead. */
    refuseWith(answer: Answer | undefined) {
      refuse = answer;
    },
    /** Klaviyo processes the profile import jobs still open: their rows are applied now. */
    finishImportJobs() {
      for (const job of importJobs.values())
        if (!job.done) {
          job.rows.forEach(applyProfile);
          job.done = true;
        }
    },
    openImportJobs: () => [...importJobs.values()].filter((job) => !job.done).length,
    /** Klaviyo processes the consent jobs still open, the newest first (it promises no order). */
    finishConsentJobsNewestFirst() {
      for (const job of [...consentJobs].reverse())
        if (!job.done) {
          job.apply();
          job.done = true;
        }
    },
  };
}

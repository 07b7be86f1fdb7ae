// The Klaviyo client's reads for what a write started (a profile import job and its errors): the write's answer
// stays readable (the job id), a GET is paced on its endpoint's own budget whatever the job id, and a link Klaviyo
// gives is followed only on the client's own origin, so the API key goes nowhere else.
import { describe, expect, it } from 'vitest';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createPacers, PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import { createKlaviyoClient, type Fetch } from '../../functions/deliver/klaviyo-client.ts';
import { PROFILE_JOB_PATHS } from '../../functions/deliver/profile-bulk-plan.ts';

const settings = klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, base_url: 'http://klaviyo.test/' });

function client(answer: (url: string) => Response, pacer?: (path: string) => never) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fakeFetch: Fetch = (url, init) => {
    seen.push({ url: url as string, init: init ?? {} });
    return Promise.resolve(answer(url as string));
  };
  const klaviyo = createKlaviyoClient({
    settings,
    apiKey: () => Promise.resolve('pk_abc'),
    fetch: fakeFetch,
    now: () => 0,
    ...(pacer ? { pacer } : {}),
  });
  return { klaviyo, seen };
}

const job = { data: { type: 'profile-bulk-import-job', id: 'JOB1', attributes: { status: 'queued' } } };

describe('Klaviyo client reads', () => {
  it("hands on a write's answer with its body readable", async () => {
    const { klaviyo } = client(() => new Response(JSON.stringify(job), { status: 202 }));
    const response = await klaviyo.post(PROFILE_JOB_PATHS.create, { data: {} });
    expect(await response.json()).toEqual(job);
  });

  it('GETs with the key and revision, no body, and reads the answer', async () => {
    const { klaviyo, seen } = client(() => new Response(JSON.stringify(job), { status: 200 }));
    const response = await klaviyo.get('/api/profile-bulk-import-jobs/JOB1', {
      budget: PROFILE_JOB_PATHS.job,
    });
    expect(await response.json()).toEqual(job);
    expect(seen[0]?.url).toBe('http://klaviyo.test/api/profile-bulk-import-jobs/JOB1');
    expect(seen[0]?.init.method).toBe('GET');
    expect(seen[0]?.init.body).toBeUndefined();
    const headers = seen[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Klaviyo-API-Key pk_abc');
    expect(headers['content-type']).toBeUndefined();
  });

  it('follows a link on its own origin, and refuses one elsewhere before sending anything', async () => {
    const { klaviyo, seen } = client(() => new Response('{"data":[]}', { status: 200 }));
    await klaviyo.get('http://klaviyo.test/api/profile-bulk-import-jobs/J/import-errors?page[cursor]=x', {
      budget: PROFILE_JOB_PATHS.errors,
    });
    await expect(
      klaviyo.get('https://elsewhere.test/api/profile-bulk-import-jobs/J/import-errors', {
        budget: PROFILE_JOB_PATHS.errors,
      }),
    ).rejects.toThrow(/not on http:\/\/klaviyo.test/);
    expect(seen.map((s) => s.url)).toEqual([
      'http://klaviyo.test/api/profile-bulk-import-jobs/J/import-errors?page[cursor]=x',
    ]);
  });

  it('classifies a GET answer as a POST answer (a 5xx is retried)', async () => {
    const { klaviyo } = client(() => new Response('{"errors":[]}', { status: 503 }));
    await expect(
      klaviyo.get('/api/profile-bulk-import-jobs/J', { budget: PROFILE_JOB_PATHS.job }),
    ).rejects.toThrow(/GET \/api\/profile-bulk-import-jobs\/J answered 503/);
  });

  it('paces each read on the budget it names: one budget for every job id, apart from the other endpoints', async () => {
    const asked: string[] = [];
    // A clock that stands still and no pacing wait allowed: a second request on a budget must be deferred.
    const pacers = createPacers({
      rate_budget_share: 1,
      max_concurrency: 1,
      max_pacing_wait_ms: 0,
      now: () => 0,
    });
    const { klaviyo, seen } = client(() => new Response('{"data":{}}', { status: 200 }), ((path: string) => {
      asked.push(path);
      return pacers(path);
    }) as never);
    await klaviyo.get('/api/profile-bulk-import-jobs/A', { budget: PROFILE_JOB_PATHS.job });
    await expect(
      klaviyo.get('/api/profile-bulk-import-jobs/B', { budget: PROFILE_JOB_PATHS.job }),
    ).rejects.toMatchObject({ name: 'DeferredError', reason: 'klaviyo_budget' });
    await klaviyo.get('/api/profile-bulk-import-jobs/A/import-errors', { budget: PROFILE_JOB_PATHS.errors });
    await klaviyo.post(PROFILE_JOB_PATHS.create, {});
    await klaviyo.post('/api/profile-import', {});
    expect(asked).toEqual([
      PROFILE_JOB_PATHS.job,
      PROFILE_JOB_PATHS.job,
      PROFILE_JOB_PATHS.errors,
      PROFILE_JOB_PATHS.create,
      '/api/profile-import',
    ]);
    expect(seen).toHaveLength(4);
  });

  it('knows the published limits of the job, its read and its errors (10/s, 150/m each)', () => {
    for (const path of Object.values(PROFILE_JOB_PATHS))
      expect(PUBLISHED_LIMITS[path], path).toEqual({ burst: 10, steady: 150 });
  });
});

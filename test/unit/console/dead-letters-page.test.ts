// The Dead letters page's routes with a fake context: every queue the stack names (a family's deliver queue
// too) grouped by reason, one letter in full, and a redrive that first confirms how many, then sends those.
import { describe, expect, it } from 'vitest';
import { createJobs } from '../../../cli/console/jobs.ts';
import { deadLetterRoutes, queueLabel } from '../../../cli/console/pages/dead-letters.ts';
import type { ConsoleContext, ConsoleRequest, ConsoleResponse } from '../../../cli/console/route.ts';
import type { RelayStack } from '../../../operations/relay-stack.ts';
import { fakeSqs } from '../../helpers/fake-dlq-sqs.ts';
import { waitFor } from '../../helpers/wait.ts';

const letter = (reason: string, delivery: string) =>
  JSON.stringify({
    type: 'dead-letter',
    version: 1,
    stage: 'deliver',
    reason,
    detail: {
      errors: [{ code: 'invalid', detail: 'Bad email', source: { pointer: '/data/attributes/email' } }],
    },
    failed_at: '2026-12-01T10:00:00.000Z',
    attempts: 1,
    original: JSON.stringify({ type: 'klaviyo.profile-upsert', delivery_id: delivery }),
  });

function setUp() {
  const sqs = fakeSqs();
  sqs.add('dlq-deliver', 'm1', letter('klaviyo_400', 'd1'), 'shop:d1');
  sqs.add('dlq-deliver', 'm2', letter('klaviyo_400', 'd2'), 'shop:d2');
  sqs.add('dlq-deliver', 'm3', letter('retries_exhausted', 'd3'), 'shop:d3');
  sqs.add('dlq-profiles', 'p1', letter('klaviyo_409', 'd4'), 'shop:d4');
  const stack = {
    origin: 'stack.json',
    // A family's own deliver queue beside the stages': shown because the stack names it.
    queueUrls: { hydrate: 'q-hydrate', deliver: 'q-deliver', 'deliver-profiles': 'q-profiles' },
    dlqUrls: { hydrate: 'dlq-hydrate', deliver: 'dlq-deliver', 'deliver-profiles': 'dlq-profiles' },
    sqs: sqs.client,
  } as unknown as RelayStack;
  const context: ConsoleContext = { stack: () => Promise.resolve(stack), stackFile: 'stack.json' };
  const jobs = createJobs(() => 'job-1');
  const routes = deadLetterRoutes(jobs);
  const call = (method: 'GET' | 'POST', pattern: string, params: Record<string, string>, body?: unknown) => {
    const route = routes.find((r) => r.method === method && r.pattern === pattern);
    if (!route) throw new Error(`no route ${method} ${pattern}`);
    const request: ConsoleRequest = { method, path: pattern, params, query: new URLSearchParams(), body };
    return route.handle(request, context);
  };
  return { sqs, jobs, call };
}

/** The page's markup with the formatting whitespace between and inside tags folded. */
const bodyOf = (response: ConsoleResponse) =>
  ('page' in response ? response.page.body : '')
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .replace(/ >/g, '>')
    .replace(/> /g, '>')
    .replace(/ </g, '<');

describe('console: dead letters page', () => {
  it('names a queue by its stage and family', () => {
    expect(queueLabel('deliver')).toBe('deliver');
    expect(queueLabel('deliver-profiles')).toBe('deliver · profiles');
    expect(queueLabel('hydrate')).toBe('hydrate');
  });

  it('groups each queue the stack names by reason, with counts, and links each letter', async () => {
    const { call } = setUp();
    const body = bodyOf(await call('GET', '/dead-letters', {}));
    expect(body).toContain('data-queue="hydrate"');
    expect(body).toMatch(/data-queue="deliver-profiles"[\s\S]*deliver · profiles[\s\S]*1 dead letter</);
    expect(body).toMatch(/<tr data-reason="klaviyo_400"><td>klaviyo_400<\/td><td>2<\/td>/);
    expect(body).toMatch(/<tr data-reason="retries_exhausted"><td>retries_exhausted<\/td><td>1<\/td>/);
    expect(body).toContain('href="/dead-letters/deliver/m1"');
    expect(body).toContain('name="letter:m3"');
  });

  it('shows one letter in full: its facts, the detail with the pointer, the original message', async () => {
    const { call } = setUp();
    const body = bodyOf(await call('GET', '/dead-letters/:queue/:id', { queue: 'deliver', id: 'shop:d2' }));
    expect(body).toContain('<dt>reason</dt><dd>klaviyo_400</dd>');
    expect(body).toContain('<dt>attempts</dt><dd>1</dd>');
    expect(body).toContain('<li>invalid · Bad email · at /data/attributes/email</li>');
    expect(body).toContain('&quot;delivery_id&quot;: &quot;d2&quot;');
    const missing = await call('GET', '/dead-letters/:queue/:id', { queue: 'deliver', id: 'nope' });
    expect(missing.status).toBe(404);
    const noQueue = await call('GET', '/dead-letters/:queue/:id', { queue: 'deliver-catalog', id: 'm1' });
    expect(noQueue.status).toBe(404);
  });

  it('confirms how many a reason group holds before sending, then sends exactly those', async () => {
    const { sqs, jobs, call } = setUp();
    const confirm = bodyOf(
      await call('POST', '/dead-letters/:queue/redrive', { queue: 'deliver' }, { reason: 'klaviyo_400' }),
    );
    expect(confirm).toContain('2 dead letters (reason klaviyo_400) will be sent back');
    expect(sqs.sentTo('q-deliver')).toEqual([]);
    expect(sqs.bodies('dlq-deliver')).toHaveLength(3);

    const started = bodyOf(
      await call(
        'POST',
        '/dead-letters/:queue/redrive',
        { queue: 'deliver' },
        { reason: 'klaviyo_400', confirm: 'on' },
      ),
    );
    expect(started).toContain('data-live="/jobs/job-1/progress"');
    const job = await waitFor(
      'the redrive done',
      () => jobs.get('job-1')?.state === 'done' && jobs.get('job-1'),
    );
    expect(job.outcome?.[0]).toBe('Sent back 2 of 2 chosen dead letters to the deliver queue.');
    expect(sqs.sentTo('q-deliver')).toHaveLength(2);
    expect(sqs.bodies('dlq-deliver')).toEqual([letter('retries_exhausted', 'd3')]);
  });

  it('redrives a selection of letters; refuses a form that chose nothing', async () => {
    const { sqs, jobs, call } = setUp();
    const confirm = bodyOf(
      await call(
        'POST',
        '/dead-letters/:queue/redrive',
        { queue: 'deliver' },
        { 'letter:m1': 'on', 'letter:m3': 'on' },
      ),
    );
    expect(confirm).toContain('2 dead letters (2 selected) will be sent back');
    await call(
      'POST',
      '/dead-letters/:queue/redrive',
      { queue: 'deliver' },
      { 'letter:m1': 'on', 'letter:m3': 'on', confirm: 'on' },
    );
    await waitFor('the redrive done', () => jobs.get('job-1')?.state === 'done');
    expect(sqs.bodies('dlq-deliver')).toEqual([letter('klaviyo_400', 'd2')]);

    const nothing = await call('POST', '/dead-letters/:queue/redrive', { queue: 'deliver' }, {});
    expect(nothing.status).toBe(400);
  });
});

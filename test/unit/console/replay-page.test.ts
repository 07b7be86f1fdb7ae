// The Replay page's routes with a fake context: a dry run counts the archived webhooks of the range and sends
// nothing; the confirmed replay sends exactly the range counted, as replays, and reports what it did.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobs } from '../../../cli/console/jobs.ts';
import { replayRoutes } from '../../../cli/console/pages/replay.ts';
import type { ConsoleContext, ConsoleResponse, ConsoleRoute } from '../../../cli/console/route.ts';
import { createFolderArchiveWriter } from '../../../functions/shared/archive.ts';
import type { RelayStack } from '../../../operations/relay-stack.ts';
import { fakeSqs } from '../../helpers/fake-dlq-sqs.ts';
import { waitFor } from '../../helpers/wait.ts';

let dir: string;
const now = Date.now();
const received = (source: string, id: string, minutesAgo: number) => ({
  type: 'webhook.received' as const,
  version: 1 as const,
  correlation_id: `${source}:${id}`,
  source,
  delivery_id: id,
  event_type: 'order.created',
  received_at: new Date(now - minutesAgo * 60_000).toISOString(),
  meta: {},
  payload: { id },
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'console-replay-'));
  await createFolderArchiveWriter(dir).write([
    received('demo', 'a', 5),
    received('demo', 'b', 10),
    received('shop', 'c', 5),
    received('demo', 'old', 60 * 30),
  ]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function setUp() {
  const sqs = fakeSqs();
  const stack = {
    origin: 'stack.json',
    queueUrls: { hydrate: 'q-hydrate' },
    dlqUrls: {},
    archiveDir: dir,
    configDocument: JSON.stringify({ sources: { demo: {}, shop: {} } }),
    sqs: sqs.client,
  } as unknown as RelayStack;
  const context: ConsoleContext = { stack: () => Promise.resolve(stack), stackFile: 'stack.json' };
  const jobs = createJobs(() => 'job-1');
  const [get, post] = replayRoutes(jobs) as [ConsoleRoute, ConsoleRoute];
  const request = (body?: unknown) => ({
    method: 'POST' as const,
    path: '/replay',
    params: {},
    query: new URLSearchParams(),
    body,
  });
  return {
    sqs,
    jobs,
    get: () => get.handle(request(), context),
    post: (body: unknown) => post.handle(request(body), context),
  };
}

const bodyOf = (response: ConsoleResponse) =>
  ('page' in response ? response.page.body : '')
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .replace(/ >/g, '>')
    .replace(/> /g, '>')
    .replace(/ </g, '<');

describe('console: replay page', () => {
  it('offers the stack’s sources and the CLI’s defaults (the last hour, as backfill)', async () => {
    const body = bodyOf(await setUp().get());
    expect(body).toContain('<option value="demo">demo</option>');
    expect(body).toContain('<option value="shop">shop</option>');
    expect(body).toMatch(/name="from" value="1h"/);
    expect(body).toMatch(/id="replay-backfill" name="backfill" checked/);
  });

  it('counts first and sends nothing, then replays exactly what it counted', async () => {
    const { sqs, jobs, post } = setUp();
    const confirm = bodyOf(await post({ source: 'demo', from: '1h', backfill: 'on' }));
    expect(confirm).toMatch(/2 webhooks received .* at demo will be replayed/);
    expect(sqs.sentTo('q-hydrate')).toEqual([]);
    const from = /name="from" value="([^"]+)"/.exec(confirm)?.[1];
    const to = /name="to" value="([^"]+)"/.exec(confirm)?.[1];
    expect(from).toMatch(/^\d{4}-\d\d-\d\dT/);

    await post({ source: 'demo', from, to, backfill: 'on', confirm: 'on' });
    const job = await waitFor(
      'the replay done',
      () => jobs.get('job-1')?.state === 'done' && jobs.get('job-1'),
    );
    expect(job.outcome?.[0]).toMatch(/^Replayed 2 webhooks/);
    const sent = sqs.sentTo('q-hydrate').map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(sent.map((m) => m.correlation_id).sort()).toEqual(['demo:a', 'demo:b']);
    expect(sent.every((m) => m.backfill === true)).toBe(true);
  });

  it('says what is wrong with a time, with the form kept', async () => {
    const answer = await setUp().post({ from: 'yesterday-ish' });
    expect(answer.status).toBe(400);
    expect(bodyOf(answer)).toContain('&quot;yesterday-ish&quot; is not a time');
    expect(bodyOf(answer)).toContain('value="yesterday-ish"');
  });
});

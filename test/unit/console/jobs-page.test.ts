// A console run's progress: counted as the CLI's progress bar counts, shown while it runs, then what it did or
// its error; the progress route answers the fragment the console's script swaps in.
import { describe, expect, it } from 'vitest';
import { createJobs } from '../../../cli/console/jobs.ts';
import { jobRoutes } from '../../../cli/console/pages/jobs.ts';
import type { ConsoleContext, ConsoleRoute } from '../../../cli/console/route.ts';
import { waitFor } from '../../helpers/wait.ts';

const context: ConsoleContext = { stack: () => Promise.reject(new Error('unused')), stackFile: 's' };
const request = (id: string) => ({
  method: 'GET' as const,
  path: '',
  params: { id },
  query: new URLSearchParams(),
  body: undefined,
});

describe('console: runs and their progress', () => {
  it('shows a run’s counts while it runs, then its outcome; a failure by its message', async () => {
    let finish: (lines: string[]) => void = () => undefined;
    let ids = 0;
    const jobs = createJobs(() => `run-${(ids += 1)}`);
    const [pageRoute, progressRoute] = jobRoutes(jobs) as [ConsoleRoute, ConsoleRoute];
    jobs.start('Redrive', (progress) => {
      progress.setTotal(4);
      progress.increment(3);
      return new Promise((resolve) => (finish = resolve));
    });
    const running = await progressRoute.handle(request('run-1'), context);
    expect(running).toMatchObject({ json: { state: 'running', done: 3, total: 4 } });
    expect('json' in running && (running.json as { html: string }).html).toMatch(/Running… 3 of 4 done/);
    finish(['Sent back 4 of 4']);
    await waitFor('the run done', () => jobs.get('run-1')?.state === 'done');
    const done = await pageRoute.handle(request('run-1'), context);
    expect('page' in done && done.page.body).toContain('<li>Sent back 4 of 4</li>');

    jobs.start('Replay', () => Promise.reject(new Error('the archive is not known')));
    await waitFor('the run failed', () => jobs.get('run-2')?.state === 'failed');
    const failed = await progressRoute.handle(request('run-2'), context);
    expect('json' in failed && (failed.json as { html: string }).html).toContain(
      'Failed: the archive is not known',
    );
    expect((await pageRoute.handle(request('nope'), context)).status).toBe(404);
  });
});

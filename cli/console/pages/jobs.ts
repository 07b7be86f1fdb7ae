// A run's progress page (a redrive, a replay): a bar and counts, refreshed in place while it runs (the console's
// script polls the progress route, data-live), with a link to reload for a browser without scripts; then what
// the run did, or its error.
import { html, page } from '../html.ts';
import { consoleJobs, type JobState, type Jobs } from '../jobs.ts';
import type { ConsoleRoute } from '../route.ts';

export function jobProgress(job: JobState) {
  const counts = job.total > 0 ? `${job.done} of ${job.total}` : `${job.done}`;
  const bar =
    job.total > 0
      ? html`<progress max="${job.total}" value="${Math.min(job.done, job.total)}">${counts}</progress>`
      : html`<progress>${counts}</progress>`;
  if (job.state === 'running')
    return html`<p class="job-state" data-state="running">Running… ${counts} done.</p>
      ${bar}`;
  if (job.state === 'failed')
    return html`<p class="job-state error" data-state="failed" role="alert">Failed: ${job.error}</p>`;
  return html`<p class="job-state" data-state="done" role="status">Done.</p>
    <ul class="job-outcome">
      ${(job.outcome ?? []).map((line) => html`<li>${line}</li>`)}
    </ul>`;
}

/** The page a run is shown on (also what a POST that starts a run answers). */
export function jobPage(job: JobState) {
  const live = `/jobs/${encodeURIComponent(job.id)}/progress`;
  return page(
    job.title,
    html`<div aria-live="polite" data-live="${live}" data-every="1">${jobProgress(job)}</div>
      <p><a href="/jobs/${encodeURIComponent(job.id)}">Reload</a></p>`,
  );
}

export function jobRoutes(jobs: Jobs): ConsoleRoute[] {
  const find = (id: string | undefined) => (id === undefined ? undefined : jobs.get(id));
  return [
    {
      method: 'GET',
      pattern: '/jobs/:id',
      handle: (request) => {
        const job = find(request.params.id);
        return Promise.resolve(
          job
            ? jobPage(job)
            : {
                status: 404,
                ...page('No such run', html`<p>This console has no run ${request.params.id}.</p>`),
              },
        );
      },
    },
    {
      method: 'GET',
      pattern: '/jobs/:id/progress',
      handle: (request) => {
        const job = find(request.params.id);
        return Promise.resolve(
          job
            ? {
                json: {
                  state: job.state,
                  done: job.done,
                  total: job.total,
                  html: jobProgress(job).toString(),
                },
              }
            : { status: 404, json: { error: `no run ${request.params.id}` } },
        );
      },
    },
  ];
}

export const routes: ConsoleRoute[] = jobRoutes(consoleJobs);

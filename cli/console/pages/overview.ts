// The Overview page: every queue's and DLQ's depth, local mode's counters (webhooks by ingest's answer, events
// the Klaviyo mock recorded), each with a chart of the last hour. The page's live part is refreshed from
// /api/overview every few seconds (client-script.ts); each refresh is also a sample for the charts.
import { html, page, type SafeHtml } from '../html.ts';
import { Samples, WINDOW_MS } from '../overview/samples.ts';
import { seriesOf, takeSnapshot, type Snapshot } from '../overview/snapshot.ts';
import { sparkline } from '../overview/sparkline.ts';
import type { ConsoleContext, ConsoleRoute } from '../route.ts';

const REFRESH_SECONDS = 5;
const samplesOf = new WeakMap<ConsoleContext, Samples>();

async function sample(context: ConsoleContext): Promise<{ snapshot: Snapshot; samples: Samples }> {
  let samples = samplesOf.get(context);
  if (!samples) samplesOf.set(context, (samples = new Samples()));
  const snapshot = await takeSnapshot(await context.stack(), Date.now());
  samples.add({ at: snapshot.at, values: seriesOf(snapshot) });
  return { snapshot, samples };
}

function chart(samples: Samples, series: string, label: string, now: number): SafeHtml {
  return sparkline(samples.series(series), now - WINDOW_MS, now, `${label}, last hour`);
}

function queuesCard(snapshot: Snapshot, samples: Samples): SafeHtml {
  if (snapshot.queuesError !== undefined)
    return html`<p class="error">The queues could not be read: ${snapshot.queuesError}</p>`;
  if (snapshot.queues.length === 0) return html`<p class="muted">The stack names no queues.</p>`;
  return html`<div class="table-scroll">
    <table>
      <caption class="muted">
        Messages waiting, in flight and delayed; the line is the total over the last hour.
      </caption>
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col" class="number">Waiting</th>
          <th scope="col" class="number">In flight</th>
          <th scope="col" class="number">Delayed</th>
          <th scope="col">Last hour</th>
        </tr>
      </thead>
      <tbody>
        ${snapshot.queues.map((queue) => {
          const name = `${queue.key} ${queue.kind === 'dlq' ? 'DLQ' : 'queue'}`;
          const total = queue.waiting + queue.inFlight + queue.delayed;
          return html`<tr data-queue="${queue.kind}:${queue.key}">
            <th scope="row">
              ${queue.kind === 'dlq' && total > 0 ? html`<span class="error">${name}</span>` : name}
            </th>
            <td class="number">${queue.waiting}</td>
            <td class="number">${queue.inFlight}</td>
            <td class="number">${queue.delayed}</td>
            <td>${chart(samples, `${queue.kind}:${queue.key}`, name, snapshot.at)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

function countersCard(snapshot: Snapshot, samples: Samples): SafeHtml {
  if (snapshot.countersError !== undefined)
    return html`<p class="error">Local mode's counters could not be read: ${snapshot.countersError}</p>`;
  if (!snapshot.counters)
    return html`<p class="muted">
      Counters come from local mode's status route; for a deployment, see the module's CloudWatch dashboard.
    </p>`;
  const rows = Object.entries(snapshot.counters.webhooks).sort(([a], [b]) => a.localeCompare(b));
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Ingest answered</th>
        <th scope="col" class="number">Webhooks</th>
        <th scope="col">Last hour</th>
      </tr>
    </thead>
    <tbody>
      ${
        rows.length === 0
          ? html`<tr>
              <td colspan="3" class="muted">none since local mode started</td>
            </tr>`
          : rows.map(
              ([code, count]) =>
                html`<tr data-counter="webhooks:${code}">
                  <th scope="row">${code}</th>
                  <td class="number">${count}</td>
                  <td>${chart(samples, `webhooks:${code}`, `webhooks ${code}`, snapshot.at)}</td>
                </tr>`,
            )
      }
      ${
        snapshot.counters.klaviyoEvents === undefined
          ? ''
          : html`<tr data-counter="klaviyo:events">
              <th scope="row">events the Klaviyo mock recorded</th>
              <td class="number">${snapshot.counters.klaviyoEvents}</td>
              <td>${chart(samples, 'klaviyo:events', 'Klaviyo events', snapshot.at)}</td>
            </tr>`
      }
    </tbody>
  </table>`;
}

function live(snapshot: Snapshot, samples: Samples): SafeHtml {
  return html`<div class="grid">
      <section class="card" aria-labelledby="queues-heading">
        <h2 id="queues-heading">Queues and dead-letter queues</h2>
        ${queuesCard(snapshot, samples)}
      </section>
      <section class="card" aria-labelledby="counters-heading">
        <h2 id="counters-heading">Webhooks and events</h2>
        ${countersCard(snapshot, samples)}
      </section>
    </div>
    <p class="muted">
      Read at
      <time datetime="${new Date(snapshot.at).toISOString()}">${new Date(snapshot.at).toISOString()}</time>;
      refreshed every ${REFRESH_SECONDS} s while this page is open.
    </p>`;
}

export const overviewRoutes: ConsoleRoute[] = [
  {
    method: 'GET',
    pattern: '/',
    async handle(_request, context) {
      const { snapshot, samples } = await sample(context);
      return page(
        'Overview',
        html`<div id="overview-live" data-live="/api/overview" data-every="${REFRESH_SECONDS}">
          ${live(snapshot, samples)}
        </div>`,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/api/overview',
    async handle(_request, context) {
      const { snapshot, samples } = await sample(context);
      return { json: { snapshot, html: live(snapshot, samples).toString() } };
    },
  },
];

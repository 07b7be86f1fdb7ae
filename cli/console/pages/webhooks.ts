// The Webhooks page: recent webhooks by source from the archive, searchable by delivery id; and one webhook's
// trace as a timeline through ingest → hydrate → deliver, read by the same code as `relay trace`
// (../../trace/trace-webhook.ts).
import { html, page, type SafeHtml } from '../html.ts';
import type { ConsoleRoute } from '../route.ts';
import { archiveLocationOf, recentWebhooks } from '../webhooks/recent.ts';
import { traceWebhook, type WebhookTrace } from '../../trace/trace-webhook.ts';
import type { Progress } from '../../progress.ts';

const HOURS = 24;
const LIMIT = 200;
const silent: Progress = { increment: () => undefined, setTotal: () => undefined, stop: () => undefined };

function traceHref(source: string, deliveryId: string): string {
  return `/webhooks/${encodeURIComponent(source)}/${encodeURIComponent(deliveryId)}`;
}

const STAGE_NAMES = ['ingest', 'hydrate', 'deliver'] as const;

function stageStep(trace: WebhookTrace, stage: (typeof STAGE_NAMES)[number]): SafeHtml {
  const lines = trace.logs.lines.filter((line) => line.function === stage);
  const letters = trace.queues
    .filter((scan) => scan.stage === stage)
    .flatMap((scan) => scan.hits.map((hit) => ({ scan, hit })));
  const failed =
    letters.some(({ scan }) => scan.kind === 'dlq') ||
    lines.some((line) => line.level === 'ERROR' || line.level === 'error');
  const state = failed ? 'failed' : lines.length === 0 && letters.length === 0 ? 'absent' : 'done';
  return html`<li class="${state}" data-stage="${stage}">
    <h3>${stage}</h3>
    ${
      stage === 'ingest'
        ? html`<p>
            Dedupe record:
            ${
              trace.dedupe
                ? html`<strong>${trace.dedupe.state}</strong
                    >${trace.dedupe.claimed_at ? html`, claimed at ${trace.dedupe.claimed_at}` : ''}`
                : html`<span class="muted">none (never accepted, or expired)</span>`
            }
          </p>`
        : ''
    }
    ${letters.map(
      ({ scan, hit }) =>
        html`<p class="${scan.kind === 'dlq' ? 'error' : ''}">
            In the ${stage} ${scan.kind === 'dlq' ? 'DLQ' : 'queue'}: message
            ${hit.message_id}${hit.reason ? html`, reason <strong>${hit.reason}</strong>` : ''}${hit.failed_at ? html`, failed at ${hit.failed_at}` : ''}
            ${hit.subject ? html`<br />writes ${hit.subject}` : ''}
          </p>
          ${hit.detail === null || hit.detail === undefined ? '' : html`<pre>${typeof hit.detail === 'string' ? hit.detail : JSON.stringify(hit.detail, null, 2)}</pre>`}`,
    )}
    ${
      lines.length === 0
        ? html`<p class="muted">
            no log lines${trace.logs.origin === null ? ' (the stack names no logs)' : ''}
          </p>`
        : html`<ul>
            ${lines.map(
              (line) =>
                html`<li>
                  <time datetime="${line.time}">${line.time}</time>
                  <span class="muted">${line.level}</span> ${line.message}
                  ${[
                    line.outcome && `outcome=${line.outcome}`,
                    line.reason && `reason=${line.reason}`,
                    line.operation && `operation=${line.operation}`,
                  ]
                    .filter(Boolean)
                    .join(' ')}
                  ${line.detail ? html`<br /><span class="muted">${line.detail}</span>` : ''}
                </li>`,
            )}
          </ul>`
    }
  </li>`;
}

export const webhooksRoutes: ConsoleRoute[] = [
  {
    method: 'GET',
    pattern: '/webhooks',
    async handle(request, context) {
      const stack = await context.stack();
      const location = archiveLocationOf(stack);
      const source = request.query.get('source') ?? '';
      const search = (request.query.get('id') ?? '').trim();
      if (!location)
        return page(
          'Webhooks',
          html`<p class="muted">
            The stack names no archive (archive_bucket_name, or local mode's local_archive_dir): recent
            webhooks are read from it. Enable the module's archive to list them here.
          </p>`,
        );
      const { webhooks, sources, invalid } = await recentWebhooks(
        location,
        { ...(source && { source }), ...(search && { search }), hours: HOURS, limit: LIMIT },
        new Date(),
      );
      return page(
        'Webhooks',
        html`<form class="inline" method="get" action="/webhooks" role="search">
            <div>
              <label for="source">Source</label>
              <select id="source" name="source">
                <option value="">all sources</option>
                ${sources.map((name) => html`<option value="${name}" ${name === source ? html`selected` : ''}>${name}</option>`)}
              </select>
            </div>
            <div>
              <label for="id">Delivery id</label>
              <input id="id" name="id" value="${search}" placeholder="all or part of an id" />
            </div>
            <button type="submit">Search</button>
          </form>
          <p class="muted">
            The last ${HOURS} hours of the archive, newest first (at most
            ${LIMIT})${invalid > 0 ? `; ${invalid} archived lines did not meet the contract` : ''}.
          </p>
          ${
            webhooks.length === 0
              ? html`<p>No webhooks${source || search ? ' match' : ' archived yet'}.</p>`
              : html`<div class="table-scroll">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Received</th>
                        <th scope="col">Source</th>
                        <th scope="col">Event</th>
                        <th scope="col">Delivery id</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${webhooks.map(
                        (webhook) =>
                          html`<tr>
                            <td><time datetime="${webhook.receivedAt}">${webhook.receivedAt}</time></td>
                            <td>${webhook.source}</td>
                            <td>${webhook.eventType}</td>
                            <td>
                              <a href="${traceHref(webhook.source, webhook.deliveryId)}"
                                >${webhook.deliveryId}</a
                              >
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }`,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/webhooks/:source/:id',
    async handle(request, context) {
      const { source = '', id = '' } = request.params;
      const trace = await traceWebhook(await context.stack(), source, id, {
        maxMessages: 10_000,
        since: '24h',
        logsTimeout: '60s',
        logs: true,
        liveQueues: false,
        progress: silent,
      });
      return page(
        `Webhook ${source} ${id}`,
        html`<p><a href="/webhooks?source=${encodeURIComponent(source)}">← ${source} webhooks</a></p>
          <p class="verdict"><strong>${trace.verdict}</strong></p>
          ${trace.logs.error === undefined ? '' : html`<p class="error">The log lines could not be read: ${trace.logs.error}</p>`}
          <h2>Timeline</h2>
          <ol class="timeline">
            ${STAGE_NAMES.map((stage) => stageStep(trace, stage))}
          </ol>
          <p class="muted">
            The same reading as <code>klaviyo-relay trace ${source} ${id}</code>: DLQs peeked (each letter
            hidden while read, then released), log lines of the last 24 hours.
          </p>`,
      );
    },
  },
];

// The Dead letters page: each queue's dead letters (every queue with a DLQ in the stack's `dlq_urls`) grouped by
// reason with counts, one letter in full as `relay dlq show` prints it, and a redrive of one letter, a
// selection or a reason group — first a confirmation that says how many will be sent (a dry run of the same
// redrive), then the run with its progress (pages/jobs.ts). Reading, describing and redriving are
// cli/dead-letter-queue.ts's, as for `relay dlq`.
// Over 250 lines: mostly markup (the formatter gives each element its line); the logic is the CLI's.
import type { DeadLetterEntry } from '../../../operations/dead-letters.ts';
import type { RelayStack } from '../../../operations/relay-stack.ts';
import {
  deadLetterQueues,
  groupByReason,
  letterInFull,
  readEveryLetter,
  redriveQueue,
  stageOfQueue,
} from '../../dead-letter-queue.ts';
import type { RedriveResult } from '../../redrive.ts';
import { checked, checkedValues, textField } from '../form-fields.ts';
import { html, page, type SafeHtml } from '../html.ts';
import { consoleJobs, NO_PROGRESS, type Jobs } from '../jobs.ts';
import type { ConsoleContext, ConsoleRequest, ConsoleResponse, ConsoleRoute } from '../route.ts';
import { jobPage } from './jobs.ts';

/** Letters listed one by one per queue (the counts cover them all). */
const LISTED_LETTERS = 200;
/** Letters a second a console redrive sends, as `relay dlq redrive`'s default. */
const REDRIVE_RATE = 50;
/** How long a redrive watches for letters failing again, as `relay dlq redrive`'s default. */
const REDRIVE_WAIT_MS = 30_000;
/** Each letter of a selection is a checkbox named `letter:<message id>`. */
const LETTER_FIELD = 'letter:';

const enc = encodeURIComponent;

/** What a queue is: its stage, and the family of writes a deliver queue of its own takes. */
export function queueLabel(queue: string): string {
  const stage = stageOfQueue(queue);
  const family = queue.startsWith(`${stage}-`) ? queue.slice(stage.length + 1) : undefined;
  return family ? `${stage} · ${family}` : stage;
}

async function readQueue(stack: RelayStack, queue: string): Promise<DeadLetterEntry[]> {
  const letters: DeadLetterEntry[] = [];
  await readEveryLetter(stack, queue, NO_PROGRESS, (batch) => {
    letters.push(...batch);
  });
  return letters;
}

function notFound(message: string): ConsoleResponse {
  return { status: 404, ...page('Not found', html`<p class="error">${message}</p>`) };
}

function queueSection(queue: string, letters: DeadLetterEntry[]): SafeHtml {
  const id = `queue-${queue}`;
  const action = `/dead-letters/${enc(queue)}/redrive`;
  const groups = groupByReason(letters);
  const listed = letters.slice(0, LISTED_LETTERS);
  return html`<section aria-labelledby="${id}" data-queue="${queue}">
    <h2 id="${id}">
      ${queueLabel(queue)} <small>(queue <code>${queue}</code>)</small>
    </h2>
    <p class="count">${letters.length} dead letter${letters.length === 1 ? '' : 's'}</p>
    ${
      groups.length === 0
        ? ''
        : html`<table class="reasons">
              <caption>
                By reason
              </caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Count</th>
                  <th scope="col">Sources</th>
                  <th scope="col">Oldest</th>
                  <th scope="col">Newest</th>
                  <th scope="col">Redrive</th>
                </tr>
              </thead>
              <tbody>
                ${groups.map(
                  (group) =>
                    html`<tr data-reason="${group.reason}">
                      <td>${group.reason}</td>
                      <td>${group.count}</td>
                      <td>${group.sources.join(', ')}</td>
                      <td>${group.oldest}</td>
                      <td>${group.newest}</td>
                      <td>
                        <form method="post" action="${action}">
                          <input type="hidden" name="reason" value="${group.reason}" /><button type="submit">
                            Redrive ${group.count} ${group.reason}…
                          </button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <form method="post" action="${action}">
              <table class="letters">
                <caption>
                  Letters${letters.length > listed.length ? html` (the first ${listed.length})` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Select</th>
                    <th scope="col">Letter</th>
                    <th scope="col">Source</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Failed at</th>
                  </tr>
                </thead>
                <tbody>
                  ${listed.map(
                    (letter) =>
                      html`<tr>
                        <td>
                          <input
                            type="checkbox"
                            name="${LETTER_FIELD}${letter.messageId}"
                            id="select-${letter.messageId}"
                            aria-label="Select ${letter.correlationId ?? letter.messageId}"
                          />
                        </td>
                        <td>
                          <a href="/dead-letters/${enc(queue)}/${enc(letter.messageId)}"
                            >${letter.correlationId ?? letter.messageId}</a
                          >
                        </td>
                        <td>${letter.source ?? '?'}</td>
                        <td>${letter.reason}</td>
                        <td>${letter.failedAt.toISOString()}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <button type="submit">Redrive selected…</button>
            </form>`
    }
  </section>`;
}

async function listPage(context: ConsoleContext): Promise<ConsoleResponse> {
  const stack = await context.stack();
  const queues = deadLetterQueues(stack);
  if (queues.length === 0)
    return page(
      'Dead letters',
      html`<p>The stack names no dead-letter queue (its <code>dlq_urls</code>).</p>`,
    );
  const letters = await Promise.all(queues.map((queue) => readQueue(stack, queue)));
  return page(
    'Dead letters',
    html`<p>
        Each queue's dead letters, read without taking them out. Redriving sends a letter back to the queue it
        came from, at most once per run.
      </p>
      ${queues.map((queue, i) => queueSection(queue, letters[i] ?? []))}`,
  );
}

async function letterPage(request: ConsoleRequest, context: ConsoleContext): Promise<ConsoleResponse> {
  const { queue = '', id = '' } = request.params;
  const stack = await context.stack();
  if (!deadLetterQueues(stack).includes(queue)) return notFound(`The stack has no ${queue} DLQ.`);
  let found: DeadLetterEntry | undefined;
  await readEveryLetter(stack, queue, NO_PROGRESS, (batch) => {
    found ??= batch.find((e) => e.messageId === id || e.correlationId === id);
  });
  if (!found) return notFound(`No dead letter ${id} in the ${queue} DLQ (redriven since, or never there).`);
  const { rows, detail, original } = letterInFull(found);
  return page(
    `Dead letter ${found.correlationId ?? found.messageId}`,
    html`<p><a href="/dead-letters">All dead letters</a> · queue <code>${queue}</code></p>
      <dl class="letter">
        ${rows.map(
          ([name, value]) =>
            html`<dt>${name}</dt>
              <dd>${value}</dd>`,
        )}
        ${
          detail.length > 0
            ? html`<dt>detail</dt>
                <dd>
                  <ul class="detail">
                    ${detail.map((line) => html`<li>${line}</li>`)}
                  </ul>
                </dd>`
            : ''
        }
      </dl>
      <form method="post" action="/dead-letters/${enc(queue)}/redrive">
        <input type="hidden" name="${LETTER_FIELD}${found.messageId}" value="on" /><button type="submit">
          Redrive this letter…
        </button>
      </form>
      <h2>Original message</h2>
      <pre class="original">
${typeof original === 'string' ? original : JSON.stringify(original, null, 2)}</pre>`,
  );
}

/** Which letters a redrive form chose: the selected letters, else a reason group. */
function choiceOf(body: unknown): { ids: string[]; reason?: string } | undefined {
  const ids = checkedValues(body, LETTER_FIELD);
  const reason = textField(body, 'reason');
  if (ids.length === 0 && reason === undefined) return undefined;
  return { ids, ...(reason !== undefined && { reason }) };
}

function outcomeLines(queue: string, result: RedriveResult): string[] {
  const again = Object.entries(result.failed_again_by_reason).map(([reason, n]) => `${n} ${reason}`);
  return [
    `Sent back ${result.redriven} of ${result.matched} chosen dead letters to the ${queue} queue.`,
    `Failed again: ${result.failed_again}${again.length > 0 ? ` (${again.join(', ')})` : ''}: back in the DLQ, not sent again.`,
    ...(result.failed > 0 ? [`Could not be sent: ${result.failed}: still in the DLQ.`] : []),
    ...(result.arrived_during_run > 0
      ? [`Newer letters left for a later redrive: ${result.arrived_during_run}.`]
      : []),
  ];
}

export function redriveRoute(jobs: Jobs): ConsoleRoute {
  return {
    method: 'POST',
    pattern: '/dead-letters/:queue/redrive',
    async handle(request, context) {
      const queue = request.params.queue ?? '';
      const stack = await context.stack();
      if (!deadLetterQueues(stack).includes(queue)) return notFound(`The stack has no ${queue} DLQ.`);
      const choice = choiceOf(request.body);
      if (!choice)
        return {
          status: 400,
          ...page(
            'Nothing chosen',
            html`<p class="error">Choose letters or a reason to redrive.</p>
              <p><a href="/dead-letters">Back to the dead letters</a></p>`,
          ),
        };
      const ids = new Set(choice.ids);
      const matches = (e: DeadLetterEntry) =>
        ids.size > 0 ? ids.has(e.messageId) : e.reason === choice.reason;
      const what = ids.size > 0 ? `${ids.size} selected` : `reason ${choice.reason}`;
      if (!checked(request.body, 'confirm')) {
        const dry = await redriveQueue(stack, queue, {
          matches,
          rate: REDRIVE_RATE,
          dryRun: true,
          waitMs: 0,
          progress: () => NO_PROGRESS,
        });
        return page(
          'Confirm the redrive',
          html`<p class="confirm-count" role="status">
              ${dry.matched} dead letter${dry.matched === 1 ? '' : 's'} (${what}) will be sent back to the
              <code>${queue}</code> queue.
            </p>
            <form method="post" action="/dead-letters/${enc(queue)}/redrive">
              ${choice.ids.map((id) => html`<input type="hidden" name="${LETTER_FIELD}${id}" value="on" />`)}
              ${choice.reason !== undefined ? html`<input type="hidden" name="reason" value="${choice.reason}" />` : ''}
              <input type="hidden" name="confirm" value="on" />
              <button type="submit" ${dry.matched === 0 ? html` disabled` : ''}>
                Send ${dry.matched} back
              </button>
              <a href="/dead-letters">Cancel</a>
            </form>`,
        );
      }
      const job = jobs.start(`Redrive of ${queue} dead letters (${what})`, async (progress) =>
        outcomeLines(
          queue,
          await redriveQueue(stack, queue, {
            matches,
            rate: REDRIVE_RATE,
            dryRun: false,
            waitMs: REDRIVE_WAIT_MS,
            progress: (atStart) => {
              progress.setTotal(atStart);
              return progress;
            },
          }),
        ),
      );
      return jobPage(job);
    },
  };
}

export function deadLetterRoutes(jobs: Jobs): ConsoleRoute[] {
  return [
    { method: 'GET', pattern: '/dead-letters', handle: (_request, context) => listPage(context) },
    { method: 'GET', pattern: '/dead-letters/:queue/:id', handle: letterPage },
    redriveRoute(jobs),
  ];
}

export const routes: ConsoleRoute[] = deadLetterRoutes(consoleJobs);

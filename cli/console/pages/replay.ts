// The Replay page: a source (or every source) and a time range; a dry run counts the archived webhooks first,
// then a confirmed replay sends them through hydrate and deliver with its progress (pages/jobs.ts). The run is
// `relay replay`'s (cli/replay-archive.ts), with its defaults: backfill on, state writes left out, 50 a second.
import { parseTime } from '../../commands/replay.ts';
import { replayArchive, type ReplayRequest, type ReplayResult } from '../../replay-archive.ts';
import { checked, textField } from '../form-fields.ts';
import { html, page } from '../html.ts';
import { consoleJobs, NO_PROGRESS, type Jobs } from '../jobs.ts';
import type { ConsoleContext, ConsoleResponse, ConsoleRoute } from '../route.ts';
import { stackSources } from '../stack-config.ts';
import { jobPage } from './jobs.ts';

/** Webhooks a second a console replay sends, as `relay replay`'s default. */
const REPLAY_RATE = 50;

interface ReplayForm {
  source?: string;
  from: string;
  to?: string;
  backfill: boolean;
  profiles: boolean;
}

function formOf(body: unknown): ReplayForm {
  const source = textField(body, 'source');
  const to = textField(body, 'to');
  return {
    ...(source !== undefined && { source }),
    from: textField(body, 'from') ?? '1h',
    ...(to !== undefined && { to }),
    backfill: checked(body, 'backfill'),
    profiles: checked(body, 'profiles'),
  };
}

function requestOf(form: ReplayForm, now: number, dryRun: boolean): ReplayRequest {
  return {
    ...(form.source !== undefined && { sources: new Set([form.source]) }),
    from: parseTime(form.from, now),
    to: form.to === undefined ? new Date(now) : parseTime(form.to, now),
    backfill: form.backfill,
    profiles: form.profiles,
    rate: REPLAY_RATE,
    dryRun,
  };
}

async function formPage(
  context: ConsoleContext,
  form: ReplayForm,
  problem?: string,
): Promise<ConsoleResponse> {
  const sources = stackSources(await context.stack());
  return {
    ...(problem !== undefined && { status: 400 }),
    ...page(
      'Replay',
      html`<p>
          Archived webhooks of a time range fed through hydrate and deliver again. Dedupe is bypassed;
          Klaviyo's unique id keeps an event that already arrived from arriving twice.
        </p>
        ${problem === undefined ? '' : html`<p class="error" role="alert">${problem}</p>`}
        <form method="post" action="/replay">
          <p>
            <label for="replay-source">Source</label>
            <select id="replay-source" name="source">
              <option value="">Every source</option>
              ${sources.map(
                (name) =>
                  html`<option value="${name}" ${name === form.source ? html` selected` : ''}>
                    ${name}
                  </option>`,
              )}
            </select>
          </p>
          <p>
            <label for="replay-from">From</label>
            <input
              id="replay-from"
              name="from"
              value="${form.from}"
              required
              aria-describedby="replay-time-hint"
            />
          </p>
          <p>
            <label for="replay-to">To</label>
            <input
              id="replay-to"
              name="to"
              value="${form.to ?? ''}"
              placeholder="now"
              aria-describedby="replay-time-hint"
            />
          </p>
          <p id="replay-time-hint" class="hint">
            ISO 8601 (2026-12-03T09:00:00Z) or a duration ago (2h, 3d).
          </p>
          <p>
            <input
              type="checkbox"
              id="replay-backfill"
              name="backfill"
              ${form.backfill ? html` checked` : ''}
            />
            <label for="replay-backfill">As backfill (flows do not fire)</label>
          </p>
          <p>
            <input
              type="checkbox"
              id="replay-profiles"
              name="profiles"
              ${form.profiles ? html` checked` : ''}
            />
            <label for="replay-profiles"
              >State writes too (profiles, consent, catalog rows…; never over a newer version)</label
            >
          </p>
          <button type="submit">Count (dry run)</button>
        </form>`,
    ),
  };
}

function outcomeLines(result: ReplayResult): string[] {
  return [
    `Replayed ${result.replayed} webhooks received ${result.from} … ${result.to}.`,
    `${result.objects} archive objects; ${result.duplicates} archived twice, sent once; ${result.failed} could not be sent; ${result.invalid_lines} archived lines not valid.`,
  ];
}

export function replayRoutes(jobs: Jobs): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/replay',
      handle: (_request, context) => formPage(context, { from: '1h', backfill: true, profiles: false }),
    },
    {
      method: 'POST',
      pattern: '/replay',
      async handle(request, context) {
        const form = formOf(request.body);
        const stack = await context.stack();
        let replay: ReplayRequest;
        try {
          replay = requestOf(form, Date.now(), !checked(request.body, 'confirm'));
          if (replay.dryRun) {
            const dry = await replayArchive(stack, replay, { progress: () => NO_PROGRESS });
            // The confirmation replays exactly the range counted: the times as they were resolved.
            return page(
              'Confirm the replay',
              html`<p class="confirm-count" role="status">
                  ${dry.matched} webhook${dry.matched === 1 ? '' : 's'} received ${dry.from} …
                  ${dry.to}${form.source === undefined ? '' : html` at ${form.source}`} will be replayed
                  (${dry.objects} archive objects; ${dry.duplicates} archived twice, sent once).
                </p>
                <form method="post" action="/replay">
                  <input type="hidden" name="source" value="${form.source ?? ''}" />
                  <input type="hidden" name="from" value="${dry.from}" />
                  <input type="hidden" name="to" value="${dry.to}" />
                  ${form.backfill ? html`<input type="hidden" name="backfill" value="on" />` : ''}
                  ${form.profiles ? html`<input type="hidden" name="profiles" value="on" />` : ''}
                  <input type="hidden" name="confirm" value="on" />
                  <button type="submit" ${dry.matched === 0 ? html` disabled` : ''}>
                    Replay ${dry.matched} webhooks
                  </button>
                  <a href="/replay">Cancel</a>
                </form>`,
            );
          }
        } catch (error) {
          return formPage(context, form, (error as Error).message);
        }
        const job = jobs.start(
          `Replay of ${form.source ?? 'every source'} from ${replay.from.toISOString()}`,
          async (progress) =>
            outcomeLines(
              await replayArchive(stack, replay, {
                progress: (objects) => {
                  progress.setTotal(objects);
                  return progress;
                },
              }),
            ),
        );
        return jobPage(job);
      },
    },
  ];
}

export const routes: ConsoleRoute[] = replayRoutes(consoleJobs);

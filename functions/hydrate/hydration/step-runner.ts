// Runs a source's hydration steps in order, each under its name in the context (so a step may use what the
// earlier ones fetched): `when` may skip a step, `for_each` makes one call per element (a few at once),
// `params` and `body` are filled from the step's scope, every HTTP call waits for its connection's pacer and
// goes through the cache, pages are followed up to the step's limit, and `pick` decides what is kept.
import { readValue } from '../../shared/config/expression.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { hydrationStepSchema, type HydrationStep } from '../../shared/config/hydration-step.ts';
import type { Hydration } from '../../shared/config/hydration.ts';
import { mapBounded } from '../../shared/map-bounded.ts';
import { MAX_RESPONSE_BYTES, sendSourceRequest, type SourceApiDeps } from '../source-api.ts';
import type { SourcePacer, SourcePacers } from '../source-pacer.ts';
import { applyAuth, redactorFor } from './auth.ts';
import { renderBody } from './body-template.ts';
import { connectionFor, renderBaseUrl, type Connection } from './connections.ts';
import { checkGraphqlAnswer, isGraphqlStep } from './graphql.ts';
import { nextPageUrl, pageItems } from './pagination.ts';
import { renderPath } from './placeholders.ts';
import type { Answer, ResponseCache } from './response-cache.ts';
import { isBudgetExceeded, memoryBusy, type WebhookBudget } from '../webhook-budget.ts';

export interface StepRunnerPorts extends Omit<SourceApiDeps, 'pacer'> {
  /** The instance's pacers, keyed by source and connection origin; without them, requests go unpaced. */
  pacers?: SourcePacers;
  /** The instance's answer cache (and coalescing of identical calls); without it, every call is made. */
  cache?: ResponseCache;
  /** Told about what is worth a log line but not a failure (a pagination cut short at max_pages). */
  notice?: (message: string, detail: Record<string, unknown>) => void;
  /** The fetch for one step's calls, when it differs from `fetch` (`relay map` answers from recordings). */
  fetchFor?: ((step: HydrationStep) => SourceApiDeps['fetch']) | undefined;
  /** The webhook's byte budget: each answer is charged to it (../webhook-budget.ts); without it, none is counted. */
  budget?: WebhookBudget | undefined;
}

/** Runs every step of `hydration`, storing each result in `context` under the step's name. */
export async function runHydrationSteps(
  source: string,
  hydration: Hydration,
  context: Record<string, unknown>,
  ports: StepRunnerPorts,
): Promise<void> {
  for (const [index, step] of hydration.steps.entries()) {
    const where = `sources.${source}.hydration.steps[${index}]`;
    const result = await runStep(source, hydration, step, context, ports, where);
    // A skipped step leaves its name unset: mapping paths into it find nothing, as for a missing field.
    if (result.ran) context[step.name] = result.value;
  }
}

async function runStep(
  source: string,
  hydration: Hydration,
  step: HydrationStep,
  context: Record<string, unknown>,
  ports: StepRunnerPorts,
  where: string,
): Promise<{ ran: boolean; value?: unknown }> {
  if (step.when !== undefined && !isTruthy(await readValue(step.when, context, `${where}.when`))) {
    return { ran: false };
  }
  const connection = connectionFor(hydration, step);
  if (!step.for_each)
    return { ran: true, value: await call(source, connection, step, context, ports, where) };

  const { items, as, concurrency, max_items } = step.for_each;
  const list = await readValue(items, context, `${where}.for_each.items`);
  if (list === undefined || list === null) return { ran: true, value: [] };
  if (!Array.isArray(list)) {
    throw new PermanentError(`${where}.for_each.items is not a list`, 'hydration_for_each_not_list', {
      where,
    });
  }
  if (list.length > max_items) {
    throw new PermanentError(
      `${where}.for_each.items has ${list.length} elements, more than max_items (${max_items})`,
      'hydration_for_each_too_many',
      { where, count: list.length, max_items },
    );
  }
  const value = await mapBounded(list, concurrency, (item: unknown) =>
    call(source, connection, step, { ...context, [as]: item }, ports, where),
  );
  return { ran: true, value };
}

/** JSONata's idea of true, roughly: not false, null, missing, 0, "" or an empty list. */
function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isTruthy);
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

/** One call of a step (one element of a for_each): rendered, cached or sent, its pages followed, picked. */
async function call(
  source: string,
  connection: Connection,
  step: HydrationStep,
  scope: Record<string, unknown>,
  ports: StepRunnerPorts,
  where: string,
): Promise<unknown> {
  if (connection.params || step.params) {
    const params: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(connection.params ?? {})) {
      if (step.params && Object.hasOwn(step.params, name)) continue;
      params[name] = await readValue(
        spec,
        scope,
        `sources.${source}.hydration.connections.${connection.name}.params.${name}`,
      );
    }
    for (const [name, spec] of Object.entries(step.params ?? {})) {
      params[name] = await readValue(spec, scope, `${where}.params.${name}`);
    }
    scope = { ...scope, params };
  }
  // Joined as text, so a base URL with a path (https://api.example.com/v2) keeps it.
  const url = renderBaseUrl(connection.baseUrl, scope).replace(/\/+$/, '') + renderPath(step.path, scope);
  const body =
    step.body === undefined ? undefined : JSON.stringify(await renderBody(step.body, scope, `${where}.body`));
  // The webhook's budget is charged as the body is read (webhook-budget.ts); an answer from the cache, or from
  // another record's identical call, is charged whole once it is there: the webhook holds a copy of it either way.
  const what = `${where} (${step.method} ${url})`;
  let fetched = false;
  const load = () => {
    fetched = true;
    return fetchPages(source, connection, step, url, body, {
      ...ports,
      onBodyBytes: ports.budget && ((bytes: number) => ports.budget?.charge(bytes, what)),
    });
  };
  let answered: Answer;
  try {
    answered = ports.cache
      ? await ports.cache.load(
          [source, connection.name, step.method, url, body ?? ''].join('\n'),
          {
            ttlMs: step.cache_ttl_seconds * 1_000,
            coalesce: step.method === 'GET' || step.cache_ttl_seconds > 0,
          },
          load,
        )
      : await load();
  } catch (error) {
    // Another record's budget stopped the call this one waited for: not this webhook's failure.
    if (!fetched && isBudgetExceeded(error)) throw memoryBusy(what);
    throw error;
  }
  if (!fetched) ports.budget?.charge(answered.bytes, what);
  const answer = answered.value;
  return step.pick === undefined ? answer : readValue(step.pick, answer, `${where}.pick`);
}

/** The step's answer: one response, or the items of up to `max_pages` pages concatenated. */
async function fetchPages(
  source: string,
  connection: Connection,
  step: HydrationStep,
  firstUrl: string,
  body: string | undefined,
  ports: StepRunnerPorts,
): Promise<{ value: unknown; bytes: number }> {
  const auth = await applyAuth(connection.auth, ports.resolveSecret);
  const redact = redactorFor(auth.secrets);
  const pacer = pacerFor(source, connection, firstUrl, ports);
  const fetch = ports.fetchFor?.(step) ?? ports.fetch;
  const deps: SourceApiDeps = pacer ? { ...ports, fetch, pacer } : { ...ports, fetch };
  const graphql = isGraphqlStep(step);
  const pagination = step.paginate;
  const items: unknown[] = [];
  let bytes = 0;
  let url = firstUrl;
  for (let page = 1; ; page++) {
    // The slot must leave room for the whole request before the invocation's time runs out.
    await pacer?.acquire((ports.deadline ?? Number.POSITIVE_INFINITY) - connection.timeoutMs);
    const answer = await sendSourceRequest(
      {
        method: step.method,
        url,
        headers: auth.headers,
        query: auth.query,
        body,
        timeoutMs: connection.timeoutMs,
        redact,
      },
      // Pages share the response cap: a paginated step reads no more than one answer may hold.
      { ...deps, maxResponseBytes: (ports.maxResponseBytes ?? MAX_RESPONSE_BYTES) - bytes },
    );
    bytes += answer.bytes;
    const what = `${step.method} ${url}`;
    if (graphql) checkGraphqlAnswer(what, answer.body, { pacer, redact });
    if (!pagination) return { value: answer.body, bytes };
    const pageList = pageItems(pagination, answer.body, what);
    items.push(...pageList);
    const next = nextPageUrl(pagination, answer, pageList, url, what);
    if (next === undefined) return { value: items, bytes };
    if (page >= pagination.max_pages) {
      ports.notice?.('hydration pagination stopped at max_pages', {
        step: step.name,
        max_pages: pagination.max_pages,
        items: items.length,
      });
      return { value: items, bytes };
    }
    url = withoutQueryCredential(next, auth.query?.name);
  }
}

/** A next link the source echoed with the query credential in it: shown and cached without it. */
function withoutQueryCredential(url: string, name: string | undefined): string {
  if (name === undefined) return url;
  const parsed = new URL(url);
  parsed.searchParams.delete(name);
  return parsed.href;
}

/** One pacer per source and connection origin: two connections to one API share its budget. */
function pacerFor(
  source: string,
  connection: Connection,
  url: string,
  ports: StepRunnerPorts,
): SourcePacer | undefined {
  return ports.pacers?.(`${source} ${new URL(url).origin}`, connection.requestsPerSecond);
}

/**
 * One step, run alone against a context (no cache): what a caller or test that wants a single answer uses.
 * The step may be given in its short form (`{ name, path }`); the schema fills its defaults.
 */
export async function fetchStep(
  hydration: Hydration,
  step: Pick<HydrationStep, 'name' | 'path'> & Partial<HydrationStep>,
  context: unknown,
  deps: SourceApiDeps,
): Promise<unknown> {
  const parsed = hydrationStepSchema().parse(step);
  const { pacer, ...rest } = deps;
  const ports: StepRunnerPorts = pacer ? { ...rest, pacers: () => pacer } : rest;
  const scope = (context ?? {}) as Record<string, unknown>;
  const where = `hydration.steps.${parsed.name}`;
  return (await runStep('source', hydration, parsed, scope, ports, where)).value;
}

// The catalog rows (`klaviyo.catalog` messages, with their `as_of` versions) a preset topic's fixture becomes:
// the webhook read as ingest reads it and hydrated by hydrate's own use case, source APIs answered from the
// recorded files, as `relay map` does. The Klaviyo jobs they become are in the preset's expected requests; this
// is what the jobs do not show (the version every row is ordered by), and the source API URLs as called.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { planCatalogJobs } from '../../functions/deliver/catalog-plan.ts';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import { parseJson } from '../../functions/shared/json/text.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { KlaviyoCatalogV1 } from '../../functions/shared/stage/contracts.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { presetConfig } from '../../cli/map/map-config.ts';
import { receivedMessage } from '../../cli/map/received-message.ts';
import { recordedResponses } from '../../cli/recorded-responses.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/contract.ts';
import { fixtureName, type PresetCase } from './preset-cases.ts';

const contract = loadKlaviyoContract();

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

export async function presetCatalogRows(preset: string, c: PresetCase): Promise<KlaviyoCatalogV1[]> {
  return (await presetCatalogRun(preset, c)).rows;
}

/** The rows, and the source API URLs called as sent (`relay map` shows them with query values hidden). */
export async function presetCatalogRun(
  preset: string,
  c: PresetCase,
): Promise<{ rows: KlaviyoCatalogV1[]; urls: string[] }> {
  const dir = path.join('test/fixtures/presets', preset);
  const config = presetConfig(preset, preset);
  const rawBody = await readFile(path.join(dir, `${fixtureName(c)}.json`));
  const message = receivedMessage(
    config,
    { source: preset, header: c.headers },
    rawBody,
    parseJson(rawBody.toString('utf8')),
  );
  const rows: KlaviyoCatalogV1[] = [];
  const urls: string[] = [];
  const keep = (body: string) => {
    const made = parseJson(body) as { type?: string };
    if (made.type === 'klaviyo.catalog') rows.push(made as KlaviyoCatalogV1);
  };
  const deliverQueue: MessageQueue = {
    maxBodyBytes: Number.MAX_SAFE_INTEGER,
    sendBatch: (messages) => {
      for (const m of messages) keep(m.body);
      return Promise.resolve({ failedIds: [], reasons: [] });
    },
    send: (m) => {
      keep(m.body);
      return Promise.resolve();
    },
  };
  const responses =
    c.responses === undefined ? undefined : recordedResponses(path.join(dir, 'responses', c.responses));
  await hydrateEvent(message, {
    config,
    deliverQueue,
    log: quiet as unknown as Logger,
    fetch,
    now: Date.now,
    resolveSecret: () => Promise.resolve('recorded-answers-need-no-secret'),
    fetchFor: (step) => {
      if (responses === undefined)
        throw new Error(`${fixtureName(c)}: no recorded answers for step ${step.name}`);
      const answer = responses.fetchFor(step);
      return (url, init) => {
        urls.push(url instanceof Request ? url.url : url.toString());
        return answer(url, init);
      };
    },
  });
  return { rows, urls };
}

/**
 * The create jobs the rows' upserts become when Klaviyo has none of them yet (deliver's second job), each
 * checked against Klaviyo's contract: the expected requests show only the first, the update job.
 */
export function expectCreateJobsValid(rows: readonly KlaviyoCatalogV1[]): number {
  const upserts = rows.flatMap((message, i) =>
    message.operation === 'upsert' ? [{ id: String(i), message }] : [],
  );
  let jobs = 0;
  for (const entity of ['category', 'item', 'variant'] as const)
    for (const job of planCatalogJobs(
      entity,
      'create',
      upserts.filter((u) => u.message.entity === entity),
    )) {
      const operation = Object.values(contract.operations).find(
        (o) => o.method === 'POST' && o.path === job.path,
      );
      if (!operation) throw new Error(`no Klaviyo operation for ${job.path}`);
      expect(operation.validateBody(job.body), job.path).toBeNull();
      jobs += 1;
    }
  return jobs;
}

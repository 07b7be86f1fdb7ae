// One preset topic as a test case: its fixture webhook mapped by `relay map`'s code path (hydrate's own use case,
// source APIs answered from recorded files), compared with the exact Klaviyo requests expected, and each request
// checked against the Klaviyo contract the mock enforces.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { mapWebhookFile, type MapOptions, type MapResult } from '../../cli/commands/map.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/contract.ts';

export interface PresetCase {
  /** The topic (event type) as the sender names it. */
  topic: string;
  /** The headers the sender sends with it (its topic header, delivery id, shop…). */
  headers: string[];
  /** The fixture's file name without `.json`; default: the topic with `/` and `.` as `-`. */
  fixture?: string;
  /** The recorded source API answers, a folder under the preset's `responses/`. */
  responses?: string;
}

const contract = loadKlaviyoContract();
const operationFor: Record<string, keyof typeof contract.operations> = {
  '/api/events': 'create_event',
  '/api/profile-import': 'create_or_update_profile',
  '/api/profile-subscription-bulk-create-jobs': 'bulk_subscribe_profiles',
  '/api/profile-subscription-bulk-delete-jobs': 'bulk_unsubscribe_profiles',
  ...Object.fromEntries(
    (['item', 'variant', 'category'] as const).flatMap((entity) =>
      (['create', 'update', 'delete'] as const).map((kind) => [
        `/api/catalog-${entity}-bulk-${kind}-jobs`,
        `bulk_${kind}_catalog_${entity === 'category' ? 'categories' : `${entity}s`}` as const,
      ]),
    ),
  ),
};

export function expectContractValid(requests: MapResult['requests']): void {
  for (const request of requests) {
    const operation = operationFor[request.path];
    if (!operation) throw new Error(`no Klaviyo operation for ${request.path}`);
    expect(contract.operations[operation].validateBody(request.body), request.path).toBeNull();
  }
}

export const fixtureName = (c: PresetCase) => c.fixture ?? c.topic.replace(/[/.]/g, '-');

/** The Klaviyo requests `relay map --preset <preset>` gives for the case's fixture. */
export async function mapPresetCase(
  preset: string,
  c: PresetCase,
  extra: Partial<MapOptions> = {},
): Promise<MapResult> {
  const dir = path.join('test/fixtures/presets', preset);
  return mapWebhookFile({
    preset,
    file: path.join(dir, `${fixtureName(c)}.json`),
    header: c.headers,
    ...(c.responses === undefined ? {} : { responses: path.join(dir, 'responses', c.responses) }),
    ...extra,
  });
}

/**
 * The expected requests, from `expected/<fixture>.json`. With `PRESET_FIXTURES=write` the file is written from
 * what the preset gives instead — to be read and reviewed before it is committed, as any expected output.
 */
export async function expectedRequests(
  preset: string,
  c: PresetCase,
  actual: MapResult['requests'],
): Promise<unknown> {
  if (process.env.PRESET_FIXTURES === 'write')
    await writeFile(expectedFile(preset, c), JSON.stringify(actual, null, 2) + '\n');
  return readExpected(preset, c);
}

const expectedFile = (preset: string, c: PresetCase, suffix = '') =>
  path.join('test/fixtures/presets', preset, 'expected', `${fixtureName(c)}${suffix}.json`);

export async function readExpected(preset: string, c: PresetCase, suffix = ''): Promise<unknown> {
  return JSON.parse(await readFile(expectedFile(preset, c, suffix), 'utf8')) as unknown;
}

/**
 * The expected consent writes (`klaviyo.consent` messages, which deliver gathers into subscription jobs), from
 * `expected/<fixture>.consent.json`; written from what the preset gives with `PRESET_FIXTURES=write`, like the
 * requests.
 */
export async function expectedConsent(
  preset: string,
  c: PresetCase,
  actual: MapResult['consent'],
): Promise<unknown> {
  if (process.env.PRESET_FIXTURES === 'write')
    await writeFile(expectedFile(preset, c, '.consent'), JSON.stringify(actual, null, 2) + '\n');
  return readExpected(preset, c, '.consent');
}

// Source API answers read from a folder instead of the network, for `relay map`: one JSON file per step and call.
// The n-th call of step `customer` (a for_each element, a page) is answered by `customer.<n>.json`, and the
// first also by `customer.json`. A file holds the response body, or `{ "$response": { "status", "headers",
// "body" } }` to answer with another status or with headers (a Link header for pagination).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HydrationStep } from '../functions/shared/config/hydration-step.ts';
import { parseJson } from '../functions/shared/json/text.ts';
import { isPlainObject } from '../functions/shared/json/is-plain-object.ts';

type Fetch = typeof fetch;

interface Envelope {
  $response: { status?: number; headers?: Record<string, string>; body?: unknown };
}

const isEnvelope = (value: unknown): value is Envelope =>
  isPlainObject(value) && Object.hasOwn(value, '$response');

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface RecordedCall {
  step: string;
  call: number;
  method: string;
  url: string;
  file: string;
}

/** A `fetchFor` (step-runner.ts) answering each step's calls from `dir`; `calls` lists what was asked. */
export function recordedResponses(dir: string): {
  fetchFor: (step: HydrationStep) => Fetch;
  calls: RecordedCall[];
} {
  const counts = new Map<string, number>();
  const calls: RecordedCall[] = [];
  const fetchFor =
    (step: HydrationStep): Fetch =>
    async (input, init) => {
      const call = (counts.get(step.name) ?? 0) + 1;
      counts.set(step.name, call);
      const candidates = [`${step.name}.${call}.json`, ...(call === 1 ? [`${step.name}.json`] : [])];
      const url = input instanceof Request ? input.url : String(input);
      for (const name of candidates) {
        const text = await readIfThere(path.join(dir, name));
        if (text === undefined) continue;
        calls.push({
          step: step.name,
          call,
          method: init?.method ?? 'GET',
          url: redactQuery(url),
          file: name,
        });
        let value: unknown;
        try {
          value = parseJson(text);
        } catch (error) {
          throw new Error(`${path.join(dir, name)} is not JSON: ${(error as Error).message}`, {
            cause: error,
          });
        }
        const response = isEnvelope(value) ? value.$response : { body: value };
        const status = response.status ?? 200;
        // A 204 (or 205, 304) carries no body: the Response constructor refuses one.
        const bodyless = status === 204 || status === 205 || status === 304;
        return new Response(bodyless ? null : JSON.stringify(response.body ?? null), {
          status,
          headers: { 'content-type': 'application/json', ...response.headers },
        });
      }
      throw new Error(
        `no recorded answer for step "${step.name}", call ${call} (${init?.method ?? 'GET'} ${redactQuery(url)}): add ${candidates.map((c) => path.join(dir, c)).join(' or ')}`,
      );
    };
  return { fetchFor, calls };
}

/** A URL as shown: query values hidden (a query-parameter credential must not be printed). */
function redactQuery(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '…');
  return parsed.href;
}

// The mock's `/_mock/*` endpoints, for people and tests: what it recorded (events, profiles, consent and its
// changes, import jobs, lists, requests), the faults waiting to be served (add, list, clear), and a reset of
// everything.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFault, type FaultQueue } from './faults.ts';
import { readBody, send } from './http-io.ts';
import type { MockStore } from './store.ts';

/** The largest body a control endpoint reads (and what the server reads of a request to no known operation). */
export const MOCK_CONTROL_MAX_BYTES = 1024 * 1024;

export interface MockControls {
  store: MockStore;
  faults: FaultQueue;
  /** Forgets everything recorded, pending faults and rate-limit state. */
  reset: () => void;
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  { store, faults, reset }: MockControls,
): Promise<void> {
  const method = req.method ?? 'GET';
  const body = await readBody(req, MOCK_CONTROL_MAX_BYTES);
  const json = (status: number, value: unknown): void => send(res, status, value, {}, 'application/json');
  const listing: Record<string, () => unknown[]> = {
    '/_mock/events': () => store.events(),
    '/_mock/profiles': () => store.profiles(),
    '/_mock/consent': () => store.consentStates(),
    '/_mock/consent-changes': () => store.consent.changes(),
    '/_mock/import-jobs': () => store.importJobs.list(),
    '/_mock/lists': () => store.consent.lists(),
    '/_mock/catalog': () => store.catalog.catalog(),
    '/_mock/catalog-jobs': () => store.catalog.jobs(),
    '/_mock/data-sources': () => store.records.dataSources(),
    '/_mock/records': () => store.records.records(),
    '/_mock/back-in-stock': () => store.backInStock.list(),
    '/_mock/requests': () => store.requests(),
    '/_mock/faults': () => faults.pending(),
  };
  const list = listing[path];
  if (method === 'GET' && list) {
    const items = list();
    json(200, { count: items.length, [path.slice('/_mock/'.length)]: items });
  } else if (method === 'POST' && path === '/_mock/faults') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      return json(400, { error: 'body must be a JSON fault or an array of faults' });
    }
    const checked = (Array.isArray(parsed) ? parsed : [parsed]).map(parseFault);
    const problem = checked.find((f) => typeof f === 'string');
    if (problem !== undefined || body.tooLarge) return json(400, { error: problem ?? 'body too large' });
    for (const fault of checked) if (typeof fault !== 'string') faults.add(fault);
    json(201, { faults: faults.pending() });
  } else if (
    (method === 'POST' || method === 'DELETE') &&
    (path === '/_mock/reset' || path === '/_mock/faults')
  ) {
    if (path === '/_mock/reset') reset();
    else faults.clear();
    send(res, 204, undefined, {});
  } else {
    json(404, {
      error: `no ${method} ${path}`,
      endpoints: [
        'GET /_mock/events',
        'GET /_mock/profiles',
        'GET /_mock/consent',
        'GET /_mock/consent-changes',
        'GET /_mock/import-jobs',
        'GET /_mock/lists',
        'GET /_mock/data-sources',
        'GET /_mock/records',
        'GET /_mock/back-in-stock',
        'GET /_mock/requests',
        'GET /_mock/faults',
        'POST /_mock/faults',
        'DELETE /_mock/faults',
        'POST /_mock/reset',
      ],
    });
  }
}

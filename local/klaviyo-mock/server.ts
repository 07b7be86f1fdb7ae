// The Klaviyo mock's HTTP server (node:http, loopback by default): routes the Klaviyo operations through the
// checks Klaviyo makes, in the order it makes them, and serves `/_mock/*` for people and tests (./control.ts;
// the revision and Content-Type checks: ./request-checks.ts; path templates: ./routes.ts).
//
//   fault (latency, then status) → Authorization → rate limit → revision → Content-Type → size → JSON →
//   contract schema → Klaviyo's other rules → record → answer   (a GET stops after the revision)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadKlaviyoContract } from './contract.ts';
import {
  MockHttpError,
  authenticationFailed,
  injected,
  invalid,
  methodNotAllowed,
  notAuthenticated,
  notFound,
  parseError,
  throttled,
  tooLarge,
} from './errors.ts';
import { FaultQueue } from './faults.ts';
import { handleControl, MOCK_CONTROL_MAX_BYTES } from './control.ts';
import { UNSTATED_BODY_CAP_BYTES, headerValue, readBody, send } from './http-io.ts';
import { performOperation } from './operations.ts';
import { checkContentType, checkRevision } from './request-checks.ts';
import { RateLimiter, resolveLimits } from './rate-limiter.ts';
import { Router, normalizePath } from './routes.ts';
import { MockStore } from './store.ts';
import type {
  EndpointLimit,
  KlaviyoMock,
  KlaviyoMockOptions,
  KlaviyoOperationId,
  RecordedRequest,
} from './types.ts';
import { isLoopbackHostname } from '../../functions/shared/config/hydration-base-url.ts';
import { nonLoopbackMessage, nonLoopbackReason } from '../loopback-only.ts';

const API_KEY = /^Klaviyo-API-Key (\S+)$/;

/** Starts the mock and resolves once it listens. */
export async function startKlaviyoMock(options: KlaviyoMockOptions = {}): Promise<KlaviyoMock> {
  const contract = loadKlaviyoContract(options.contractDir);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const published = new Map<KlaviyoOperationId, { path: string; limit: EndpointLimit }>(
    Object.values(contract.operations).map((op) => [
      op.operationId,
      { path: op.path, limit: op.publishedLimit },
    ]),
  );
  const limiter = new RateLimiter(
    resolveLimits(options.limits ?? 'published', published),
    options.timeScale ?? 1,
  );
  const store = new MockStore(options.bulkImportJobs, options.catalogJobs);
  const faults = new FaultQueue(options.random);
  const router = new Router(Object.values(contract.operations));
  const closing = new AbortController();
  let baseUrl = '';

  function authenticate(header: string | undefined): string {
    if (header === undefined || header.trim() === '')
      throw notAuthenticated(
        'Missing Authorization header. Send `Authorization: Klaviyo-API-Key <private key>`.',
      );
    const match = API_KEY.exec(header.trim());
    if (!match?.[1])
      throw notAuthenticated(
        'Authorization must use the Klaviyo-API-Key scheme: `Klaviyo-API-Key <private key>`.',
      );
    if (options.apiKey !== undefined && header.trim() !== `Klaviyo-API-Key ${options.apiKey}`)
      throw authenticationFailed();
    return match[1];
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    at: number,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const route = router.match(path);
    const operation = route?.operation;
    const record: RecordedRequest = { method, path, status: 0, at: new Date(at).toISOString() };
    if (operation) record.operation = operation.operationId;
    const userAgent = headerValue(req.headers['user-agent']);
    if (userAgent) record.userAgent = userAgent;
    let headers: Record<string, string> = {};
    try {
      const maxBodyBytes =
        operation?.file.request === undefined
          ? MOCK_CONTROL_MAX_BYTES
          : (operation.limits.maxBodyBytes ?? UNSTATED_BODY_CAP_BYTES);
      const body = await readBody(req, maxBodyBytes);
      if (!route || !operation) throw notFound(path);
      if (method !== operation.method) throw methodNotAllowed(method, operation.method);

      const taken = faults.take(path, route.template);
      if (taken.latencyMs !== undefined) {
        record.fault = `latency ${taken.latencyMs}ms`;
        await sleep(taken.latencyMs, undefined, { signal: closing.signal });
      }
      const statusFault = taken.status;
      const faultHeaders = (): Record<string, string> =>
        statusFault?.status === 429 ? { 'Retry-After': String(statusFault.retryAfter ?? 1) } : {};
      if (statusFault && statusFault.phase !== 'after') {
        record.fault = [record.fault, `status ${statusFault.status}`].filter(Boolean).join(', ');
        log(`klaviyo-mock ✗ injected ${statusFault.status} for ${method} ${path}`);
        throw injected(statusFault.status, faultHeaders());
      }

      const apiKey = authenticate(headerValue(req.headers.authorization));
      const decision = limiter.take(apiKey, operation.operationId, now());
      if (!decision.allowed) throw throttled(decision.retryAfterSeconds, decision.headers);
      headers = decision.headers;

      checkRevision(headerValue(req.headers.revision));
      let json: unknown;
      if (operation.file.request !== undefined) {
        checkContentType(req.headers['content-type']);
        if (body.tooLarge) throw tooLarge(maxBodyBytes);
        try {
          json = JSON.parse(body.bytes.toString('utf8'));
        } catch (error) {
          throw parseError(error instanceof Error ? error.message : String(error));
        }
        const issue = operation.validateBody(json);
        if (issue) throw invalid(issue.detail, issue.pointer);
      }

      const result = performOperation(operation.operationId, json, {
        store,
        now: now(),
        baseUrl,
        log,
        limits: operation.limits,
        params: route.params,
        query,
      });
      if (statusFault) {
        record.fault = [record.fault, `status ${statusFault.status} after processing`]
          .filter(Boolean)
          .join(', ');
        log(`klaviyo-mock ✗ injected ${statusFault.status} after processing ${method} ${path}`);
        throw injected(statusFault.status, faultHeaders());
      }
      record.status = result.status;
      send(res, result.status, result.body, headers);
    } catch (error) {
      const failure =
        error instanceof MockHttpError
          ? error
          : new MockHttpError(500, {
              code: 'error',
              title: 'A server error occurred.',
              detail: `klaviyo-mock: ${error instanceof Error ? error.message : String(error)}`,
              source: { pointer: '/data/' },
            });
      if (!(error instanceof MockHttpError) && !closing.signal.aborted)
        log(`klaviyo-mock ✗ internal error: ${String(error)}`);
      record.status = failure.status;
      record.errorCode = failure.code;
      // Klaviyo sends RateLimit-* on every answer except a 429, which carries Retry-After instead.
      send(
        res,
        failure.status,
        failure.document,
        failure.status === 429 ? failure.headers : { ...headers, ...failure.headers },
      );
    } finally {
      store.recordRequest(record);
    }
  }

  function reset(): void {
    store.reset();
    faults.clear();
    limiter.reset();
  }

  // Bound to loopback (the default), it answers loopback names only, as local mode's other servers do
  // (../loopback-only.ts: DNS rebinding); bound elsewhere on purpose (a container), any name.
  const loopbackOnly = isLoopbackHostname(options.host ?? '127.0.0.1');
  const server = createServer((req, res) => {
    const refusal = loopbackOnly
      ? nonLoopbackReason({ host: req.headers.host, origin: req.headers.origin })
      : undefined;
    if (refusal !== undefined) {
      req.resume();
      send(
        res,
        403,
        { errors: [{ status: 403, code: 'host_not_allowed', detail: nonLoopbackMessage(refusal) }] },
        {},
        'application/json',
      );
      return;
    }
    const at = now();
    const url = new URL(req.url ?? '/', 'http://klaviyo-mock');
    const path = normalizePath(url.pathname);
    const handled = path.startsWith('/_mock/')
      ? handleControl(req, res, path, { store, faults, reset })
      : handleApi(req, res, path, url.searchParams, at);
    handled.catch((error: unknown) => {
      log(`klaviyo-mock ✗ ${req.method} ${path}: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { error: String(error) }, {}, 'application/json');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    port: address.port,
    events: () => store.events(),
    profiles: () => store.profiles(),
    requests: () => store.requests(),
    consent: () => store.consentStates(),
    consentChanges: () => store.consent.changes(),
    importJobs: () => store.importJobs.list(),
    lists: () => store.consent.lists(),
    catalog: () => store.catalog.catalog(),
    catalogJobs: () => store.catalog.jobs(),
    dataSources: () => store.records.dataSources(),
    records: () => store.records.records(),
    createDataSource: (title) => store.records.createDataSource({ title }, now()),
    backInStock: () => store.backInStock.list(),
    inject: (fault) => faults.add(fault),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

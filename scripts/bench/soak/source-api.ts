// The soak's source API: a BigCommerce-like store API on loopback that hydration calls for each thin order
// webhook. It lets `perSecond` requests through per one-second window and answers the rest 429, and every answer
// carries BigCommerce's rate headers (X-Rate-Limit-Requests-Left, -Time-Reset-Ms, -Requests-Quota,
// -Time-Window-Ms); a 429 also carries Retry-After. The relay is expected to pace itself by them.
import { listen, sendJson } from '../../../local/http-server.ts';
import { sourceOrder } from './sources.ts';

export interface SourceApiStats {
  ok: number;
  throttled: number;
  notFound: number;
}

export interface SoakSourceApi {
  url: string;
  stats(): SourceApiStats;
  close(): Promise<void>;
}

const WINDOW_MS = 1_000;
const ORDER_PATH = /^\/stores\/soak\/v2\/orders\/(\d+)$/;

export async function startSoakSourceApi(options: {
  perSecond: number;
  token: string;
}): Promise<SoakSourceApi> {
  const stats: SourceApiStats = { ok: 0, throttled: 0, notFound: 0 };
  let windowStart = 0;
  let used = 0;
  const server = await listen(async (req, res) => {
    await Promise.resolve();
    if (req.headers['x-auth-token'] !== options.token) return sendJson(res, 401, { title: 'unauthorized' });
    const now = Date.now();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      used = 0;
    }
    const resetMs = windowStart + WINDOW_MS - now;
    const rateHeaders = (left: number) => ({
      'x-rate-limit-time-window-ms': String(WINDOW_MS),
      'x-rate-limit-time-reset-ms': String(resetMs),
      'x-rate-limit-requests-quota': String(options.perSecond),
      'x-rate-limit-requests-left': String(left),
    });
    if (used >= options.perSecond) {
      stats.throttled += 1;
      return sendJson(
        res,
        429,
        { title: 'too many requests' },
        { ...rateHeaders(0), 'retry-after': String(Math.max(1, Math.ceil(resetMs / 1_000))) },
      );
    }
    used += 1;
    const match = ORDER_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method !== 'GET' || !match) {
      stats.notFound += 1;
      return sendJson(res, 404, { title: 'not found' }, rateHeaders(options.perSecond - used));
    }
    stats.ok += 1;
    sendJson(res, 200, sourceOrder(Number(match[1])), rateHeaders(options.perSecond - used));
  });
  return { url: server.url, stats: () => ({ ...stats }), close: () => server.close() };
}

// Another integration on the same Klaviyo account: it sends Create Event requests with the relay's API key (one
// account, one budget) at a steady rate, a share of the limit, and does not pace by Klaviyo's headers — it takes
// its part whatever the relay does. Its User-Agent tells its requests apart in the mock's request log.
import { setTimeout as sleep } from 'node:timers/promises';

export const OTHER_INTEGRATION_AGENT = 'soak-other-integration/1.0';

export interface OtherIntegration {
  /** Answers by status, so far. */
  statuses(): Record<number, number>;
  stop(): Promise<void>;
}

export interface OtherIntegrationOptions {
  klaviyoUrl: string;
  apiKey: string;
  revision: string;
  /** Requests a minute in wall-clock time (its share of the limit × the mock's time scale). */
  perMinute: number;
}

function eventRequest(n: number, nowMs: number) {
  return {
    data: {
      type: 'event',
      attributes: {
        properties: { sync_batch: Math.floor(n / 100), source_system: 'erp' },
        time: new Date(nowMs).toISOString(),
        unique_id: `other-integration:${n}`,
        metric: { data: { type: 'metric', attributes: { name: 'Synced Account' } } },
        profile: { data: { type: 'profile', attributes: { email: `erp.contact${n % 500}@example.com` } } },
      },
    },
  };
}

export function startOtherIntegration(options: OtherIntegrationOptions): OtherIntegration {
  const statuses: Record<number, number> = {};
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 60_000 / options.perMinute;

  async function send(n: number): Promise<void> {
    try {
      const response = await fetch(`${options.klaviyoUrl}/api/events`, {
        method: 'POST',
        headers: {
          authorization: `Klaviyo-API-Key ${options.apiKey}`,
          revision: options.revision,
          'content-type': 'application/vnd.api+json',
          'user-agent': OTHER_INTEGRATION_AGENT,
        },
        body: JSON.stringify(eventRequest(n, Date.now())),
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    } catch {
      statuses[0] = (statuses[0] ?? 0) + 1;
    }
  }

  // Scheduled from the start time, so a late timer catches up instead of lowering the rate.
  const loop = (async () => {
    const start = Date.now();
    for (let n = 0; !stopping.signal.aborted; n++) {
      const wait = start + n * intervalMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
      if (stopping.signal.aborted) break;
      const request = send(n).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  })();

  return {
    statuses: () => ({ ...statuses }),
    async stop() {
      stopping.abort();
      await loop;
      await Promise.all(inFlight);
    },
  };
}

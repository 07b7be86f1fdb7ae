// The deliver benchmark's mixed backlog (issue 20; `npm run bench:deliver -- --mix`): events, profile upserts and
// consent subscriptions interleaved on one queue, and the figures per Klaviyo endpoint — throughput as a share of
// the endpoint's published limit while it was busy, the share answered 429 — and lost / written-twice counts
// (events by unique id, profiles by email, consent by profile and channel). deliver.ts runs it.
import { PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import {
  klaviyoConsentV1Schema,
  klaviyoProfileUpsertV1Schema,
  type DeliverMessage,
} from '../../functions/shared/stage/contracts.ts';
import type { startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';

type Mock = Awaited<ReturnType<typeof startKlaviyoMock>>;

export interface MixCounts {
  events: number;
  profiles: number;
  subscriptions: number;
}

/** What the worker thread sends back from the mock: only what the figures need. */
export interface MixRecords {
  requests: { at: string; status: number; path: string }[];
  eventIds: string[];
  /** Emails of the profiles the mock holds. */
  profileEmails: string[];
  /** Profile imports answered 2xx (the mock records no body), and the emails of applied import-job rows. */
  profileImportsOk: number;
  jobRowEmails: string[];
  /** `email channel` per consent change recorded. */
  consentKeys: string[];
}

export function mixRecordsOf(mock: Mock): MixRecords {
  const requests = mock.requests().filter((r) => r.operation !== undefined);
  return {
    requests: requests.map(({ at, status, path }) => ({ at, status, path })),
    eventIds: mock.events().map((e) => e.uniqueId ?? ''),
    profileEmails: mock.profiles().flatMap((p) => (p.email ? [p.email] : [])),
    profileImportsOk: requests.filter((r) => r.operation === 'create_or_update_profile' && r.status < 300)
      .length,
    jobRowEmails: mock
      .importJobs()
      .flatMap((job) => job.rows)
      .filter((row) => row.outcome === 'applied')
      .map((row) => {
        const email = (row.profile.attributes as { email?: unknown } | undefined)?.email;
        return typeof email === 'string' ? email : '';
      }),
    consentKeys: mock.consentChanges().map((c) => `${c.email ?? c.phone_number ?? ''} ${c.channel}`),
  };
}

const profileEmail = (n: number) => `profile${n}@example.com`;
const subscriberEmail = (n: number) => `subscriber${n}@example.com`;

/** The backlog, kinds interleaved evenly (each kind spread over the whole queue), as a source would send them. */
export function mixBacklog(counts: MixCounts, event: (n: number) => DeliverMessage): DeliverMessage[] {
  const asOf = '2026-12-01T10:00:00.000Z';
  const trace = (kind: string, n: number) => ({
    version: 1,
    correlation_id: `bench:${kind}:${n}`,
    source: 'bench',
    delivery_id: `${kind}:${n}`,
  });
  const kinds: { count: number; make: (n: number) => DeliverMessage }[] = [
    { count: counts.events, make: event },
    {
      count: counts.profiles,
      make: (n) =>
        klaviyoProfileUpsertV1Schema().parse({
          type: 'klaviyo.profile-upsert',
          ...trace('profile', n),
          profile: { email: profileEmail(n) },
          attributes: { first_name: 'Ada', last_name: `Number ${n}` },
          properties: { bench_n: n },
          as_of: asOf,
        }),
    },
    {
      count: counts.subscriptions,
      make: (n) =>
        klaviyoConsentV1Schema().parse({
          type: 'klaviyo.consent',
          ...trace('consent', n),
          channel: 'email',
          consent: 'subscribed',
          profile: { email: subscriberEmail(n) },
          consented_at: '2026-11-30T09:00:00.000Z',
          as_of: asOf,
        }),
    },
  ];
  const placed = kinds.flatMap(({ count, make }) =>
    Array.from({ length: count }, (_, n) => ({ at: (n + 0.5) / count, n, make })),
  );
  return placed.sort((a, b) => a.at - b.at).map(({ n, make }) => make(n));
}

/** `/api/profile-bulk-import-jobs/ABC/import-errors` → its template, the key of its budget. */
function endpointOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  // A catalog job's read: `/api/catalog-item-bulk-create-jobs/ABC` → `…-jobs/{job_id}`.
  const catalogRead = /^(\/api\/catalog-[a-z]+-bulk-[a-z]+-jobs)\/[^/]+$/.exec(trimmed);
  if (catalogRead) return `${catalogRead[1]}/{job_id}`;
  const job = /^\/api\/profile-bulk-import-jobs\/[^/]+(\/import-errors)?$/.exec(trimmed);
  if (job)
    return job[1]
      ? '/api/profile-bulk-import-jobs/{id}/import-errors'
      : '/api/profile-bulk-import-jobs/{job_id}';
  return trimmed;
}

export interface EndpointFigures {
  endpoint: string;
  requests: number;
  throttled: number;
  seconds: number;
  /** Accepted requests a minute, in Klaviyo (unscaled) time. */
  perMinute: number;
  limitPerMinute: number;
}

export interface MixFigures {
  endpoints: EndpointFigures[];
  lost: { events: number; profiles: number; consent: number };
  twice: { events: number; profiles: number; consent: number };
}

export function mixFigures(records: MixRecords, counts: MixCounts, timeScale: number): MixFigures {
  const byEndpoint = new Map<string, MixRecords['requests']>();
  for (const request of records.requests) {
    const key = endpointOf(request.path);
    byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), request]);
  }
  const endpoints = [...byEndpoint].map(([endpoint, requests]) => {
    const times = requests.map((r) => Date.parse(r.at));
    // Busy from its first request to its last: the backlog of that endpoint, whatever the others do.
    const seconds = Math.max(0.001, (Math.max(...times) - Math.min(...times)) / 1_000);
    const accepted = requests.filter((r) => r.status < 300).length;
    return {
      endpoint,
      requests: requests.length,
      throttled: requests.filter((r) => r.status === 429).length,
      seconds,
      perMinute: (accepted / seconds) * 60 * (1 / timeScale),
      limitPerMinute: PUBLISHED_LIMITS[endpoint]?.steady ?? Number.NaN,
    };
  });

  const missing = (expected: string[], seen: Set<string>) => expected.filter((key) => !seen.has(key)).length;
  const range = (count: number, key: (n: number) => string) =>
    Array.from({ length: count }, (_, n) => key(n));
  const eventIds = new Set(records.eventIds);
  const profileWrites = records.jobRowEmails.filter((email) => email.startsWith('profile'));
  const consentKeys = new Set(records.consentKeys);
  return {
    endpoints,
    lost: {
      events: missing(
        range(counts.events, (n) => `bench:${n}`),
        eventIds,
      ),
      profiles: missing(range(counts.profiles, profileEmail), new Set(records.profileEmails)),
      consent: missing(
        range(counts.subscriptions, (n) => `${subscriberEmail(n)} email`),
        consentKeys,
      ),
    },
    twice: {
      events: records.eventIds.length - eventIds.size,
      // Single profile imports carry no id the mock records: each 2xx one counts as one profile written.
      profiles:
        profileWrites.length +
        records.profileImportsOk -
        records.profileEmails.filter((email) => email.startsWith('profile')).length,
      consent: records.consentKeys.length - consentKeys.size,
    },
  };
}

export function reportMix(
  figures: MixFigures & { deferred: number },
  wallSeconds: number,
  timeScale: number,
): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [`mix: drained in ${wallSeconds.toFixed(1)} s wall time (time scale ${timeScale})`];
  for (const e of figures.endpoints.sort((a, b) => a.endpoint.localeCompare(b.endpoint)))
    lines.push(
      `  ${e.endpoint}: ${e.requests} requests over ${(e.seconds * timeScale).toFixed(1)} s Klaviyo time, ` +
        `${e.perMinute.toFixed(1)}/min of ${e.limitPerMinute}/min → ${pct(e.perMinute / e.limitPerMinute)}; ` +
        `${e.throttled} answered 429 (${pct(e.throttled / Math.max(1, e.requests))})`,
    );
  const { lost, twice } = figures;
  lines.push(
    `  lost: ${lost.events} events, ${lost.profiles} profiles, ${lost.consent} consent; ` +
      `written twice: ${twice.events} events, ${twice.profiles} profiles, ${twice.consent} consent`,
  );
  const total = figures.endpoints.reduce((sum, e) => sum + e.requests, 0);
  lines.push(
    `  deferred (put back on the queue for budget): ${figures.deferred}, ${pct(figures.deferred / Math.max(1, total))} of the requests sent`,
  );
  return lines.join('\n');
}

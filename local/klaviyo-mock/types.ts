// The Klaviyo mock's public types: what a caller configures, injects and reads back.

import type { ConsentChange, RecordedConsent, RecordedImportJob, RecordedListMembers } from './types-jobs.ts';
import type { CatalogOperationId, RecordedCatalogEntry, RecordedCatalogJob } from './types-catalog.ts';
import type { RecordedBackInStockSubscription } from './types-back-in-stock.ts';
import type { RecordedDataSource, RecordedDataSourceRecord } from './types-records.ts';

/** The Klaviyo operations the mock serves, by their OpenAPI operationId. */
export type KlaviyoOperationId =
  | 'create_event'
  | 'bulk_create_events'
  | 'create_or_update_profile'
  | 'bulk_import_profiles'
  | 'get_bulk_import_profiles_job'
  | 'get_errors_for_bulk_import_profiles_job'
  | 'bulk_subscribe_profiles'
  | 'bulk_unsubscribe_profiles'
  | CatalogOperationId
  | 'create_data_source'
  | 'bulk_create_data_source_records'
  | 'create_data_source_record'
  | 'create_back_in_stock_subscription';

/** One endpoint's limits: requests per burst window (1 s) and per steady window (60 s), before time scaling. */
export interface EndpointLimit {
  burst: number;
  steady: number;
}

/**
 * `published`: each endpoint's limits from its contract file (`rateLimit`); `off`: no limits and no
 * `RateLimit-*` headers; an object: the published limits with these endpoints replaced (by operationId or path,
 * e.g. `create_event` or `/api/events`; `'off'` switches one endpoint's limit off).
 */
export type LimitsOption = 'published' | 'off' | Partial<Record<string, EndpointLimit | 'off'>>;

export interface KlaviyoMockOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** When set, `Authorization` must be exactly `Klaviyo-API-Key <apiKey>`; otherwise any non-empty key passes. */
  apiKey?: string;
  /** 1 = real time; 10 = every rate-limit window 10× shorter (and 10× the throughput). Default 1. */
  timeScale?: number;
  /** Rate limits; default `published`. */
  limits?: LimitsOption;
  /** One human-readable line per recorded event, profile change and fault. Default: silent. */
  log?: (line: string) => void;
  /** Folder with the operation contract files; default `contract/` beside the mock (e.g. a changed copy to try). */
  contractDir?: string;
  /** Clock in epoch milliseconds, for the rate limiter and recorded times; default `Date.now`. */
  now?: () => number;
  /** Numbers in [0, 1) for faults with a `probability`; default `Math.random` (tests inject a sequence). */
  random?: () => number;
  /**
   * When a bulk profile import job completes (applies its valid rows and records the others as import errors).
   * Default `{ processingReads: 0, delayMs: 0 }`: at once, before the 202. Otherwise at the first `GET` of the
   * job that comes after `processingReads` reads answered `processing` and at least `delayMs` (mock clock)
   * after the job was created; until then every read answers `processing`. Deterministic for tests.
   */
  bulkImportJobs?: { processingReads?: number; delayMs?: number };
  /** When a bulk catalog job completes: as `bulkImportJobs` says for profile import jobs. */
  catalogJobs?: { processingReads?: number; delayMs?: number };
}

/** The identifiers a request named the profile by (only those present). */
export interface ProfileIdentifiers {
  id?: string;
  email?: string;
  phone_number?: string;
  external_id?: string;
  anonymous_id?: string;
  _kx?: string;
}

export interface RecordedEvent {
  /** Mock-assigned event id. */
  id: string;
  /** Which endpoint carried it. */
  via: 'create_event' | 'bulk_create_events';
  metric: string;
  /** Identifiers as sent in the request. */
  profile: ProfileIdentifiers;
  /** Id of the mock profile the event was attached to. */
  profileId: string;
  properties: Record<string, unknown>;
  /** ISO 8601, truncated to the second (Klaviyo does the same); the receive time when the request had none. */
  time: string;
  value: number | null;
  valueCurrency: string | null;
  /** As sent; null when absent (Klaviyo then dedupes on the time to the second). */
  uniqueId: string | null;
  backfill: boolean;
  /** ISO 8601 receive time (mock clock). */
  receivedAt: string;
  /** The event's `attributes` exactly as received (for bulk: the entry's event attributes). */
  attributes: Record<string, unknown>;
}

export interface RecordedProfile {
  /** Mock-assigned id, Klaviyo-like (26 characters). */
  id: string;
  email: string | null;
  phone_number: string | null;
  external_id: string | null;
  anonymous_id: string | null;
  /** Every other standard attribute currently set (first_name, location, …), after upserts. */
  attributes: Record<string, unknown>;
  /** Custom properties currently set. */
  properties: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** ISO 8601 time the request arrived (mock clock). */
  at: string;
  /** The operation it was routed to, when it matched one. */
  operation?: KlaviyoOperationId;
  /** `code` of the first error returned, for 4xx/5xx answers. */
  errorCode?: string;
  /** The injected fault that shaped the answer, e.g. `status 503` or `latency 200ms`. */
  fault?: string;
  /** The request's `User-Agent`, when it sent one: tells apart clients that share an account. */
  userAgent?: string;
}

/**
 * Next `times` requests (to `path` only, when given) answer `status`; a 429 carries `Retry-After: retryAfter`
 * (default 1). With `probability`, each matching request takes the fault with that probability instead, without
 * end unless `times` is given.
 */
export interface StatusFault {
  status: number;
  /** How many requests take the fault; default 1, or no limit with `probability`. */
  times?: number;
  /** (0, 1]: the share of matching requests that take the fault (faults with one share a draw: they add up). */
  probability?: number;
  retryAfter?: number;
  path?: string;
  /**
   * `before` (default): answer instead of processing. `after`: process and record the request, then answer the
   * fault status anyway — a lost response, as when a client times out after Klaviyo accepted the event.
   */
  phase?: 'before' | 'after';
}

/** Next `times` requests (to `path` only, when given; or a `probability` share of them) are held `latencyMs`. */
export interface LatencyFault {
  latencyMs: number;
  /** How many requests take the fault; default 1, or no limit with `probability`. */
  times?: number;
  /** (0, 1]: the share of matching requests that take the fault. */
  probability?: number;
  path?: string;
}

export type Fault = StatusFault | LatencyFault;

export interface KlaviyoMock {
  /** Base URL, e.g. `http://127.0.0.1:51234` (no trailing slash). */
  url: string;
  port: number;
  events(): RecordedEvent[];
  profiles(): RecordedProfile[];
  requests(): RecordedRequest[];
  /** Each profile's marketing consent per channel as it stands (one entry per profile and channel). */
  consent(): RecordedConsent[];
  /** Every consent write applied, in the order applied. */
  consentChanges(): ConsentChange[];
  /** Bulk profile import jobs, in the order created, with their rows and outcomes. */
  importJobs(): RecordedImportJob[];
  /** List memberships, per list in the order lists were first named. */
  lists(): RecordedListMembers[];
  /** The catalog as it stands (items, variants, categories), in the order rows were created. */
  catalog(): RecordedCatalogEntry[];
  /** Bulk catalog jobs, in the order created, with their rows and outcomes. */
  catalogJobs(): RecordedCatalogJob[];
  /** Data sources (custom objects), in the order created. */
  dataSources(): RecordedDataSource[];
  /** Data source records as they stand, one per data source and record id, in the order first written. */
  records(): RecordedDataSourceRecord[];
  /** Creates a data source as Create Data Source would, for tests that write records to it. */
  createDataSource(title: string): RecordedDataSource;
  /** Back-in-stock subscriptions, one per profile and catalog variant, in the order first made. */
  backInStock(): RecordedBackInStockSubscription[];
  inject(fault: Fault): void;
  /**
   * Forgets events, profiles, consent, lists, import jobs, data sources and records, back-in-stock subscriptions,
   * requests, pending faults and rate-limit windows.
   */
  reset(): void;
  close(): Promise<void>;
}

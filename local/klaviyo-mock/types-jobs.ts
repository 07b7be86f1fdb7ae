// The Klaviyo mock's public types for consent, lists and bulk profile import jobs: what a test reads back.

export type ConsentChannel = 'email' | 'sms';
export type ConsentState = 'subscribed' | 'unsubscribed';

/**
 * How far an unsubscribe reached. `list`: the profile was in the list the request named and was removed from
 * it. `global`: the request named no list, or the profile was not in it — Klaviyo then unsubscribes the
 * profile from the channel altogether.
 */
export type UnsubscribeScope = 'list' | 'global';

/** One profile's marketing consent on one channel, as it stands after every write applied so far. */
export interface RecordedConsent {
  /** Id of the mock profile (see `profiles()`). */
  profileId: string;
  /** The profile's identifiers now. */
  email: string | null;
  phone_number: string | null;
  channel: ConsentChannel;
  state: ConsentState;
  /** Lists the profile is a member of now, in the order it joined them. */
  listIds: string[];
  /** When consent was given, as sent with `historical_import`; null otherwise and once unsubscribed. */
  consentedAt: string | null;
  /** Whether the write that set `state` was a historical import (subscribed only). */
  historicalImport: boolean;
  /** Unsubscribed only: how far the unsubscribe reached. */
  scope: UnsubscribeScope | null;
  /** ISO 8601 time of the last write (mock clock). */
  updated: string;
}

/** One consent write, for one profile and one channel, as the mock applied it. */
export interface ConsentChange {
  via: 'bulk_subscribe_profiles' | 'bulk_unsubscribe_profiles';
  /** Mock-assigned id of the bulk job that carried it. */
  jobId: string;
  profileId: string;
  /** The identifiers as sent. */
  email: string | null;
  phone_number: string | null;
  channel: ConsentChannel;
  state: ConsentState;
  /** The list the request named (`relationships.list`), or null. */
  listId: string | null;
  consentedAt: string | null;
  historicalImport: boolean;
  /** Unsubscribe only. */
  scope: UnsubscribeScope | null;
  /** `custom_source` as sent (subscribe only), or null. */
  customSource: string | null;
  /** ISO 8601 receive time (mock clock). */
  receivedAt: string;
}

export interface RecordedListMembers {
  listId: string;
  /** Mock profile ids, in the order they joined. */
  profileIds: string[];
}

/** The error Klaviyo reports for a refused row, as `GET …/import-errors` answers it. */
export interface ImportRowError {
  code: string;
  title: string;
  detail: string;
  /** Into the job's request body, e.g. `/data/attributes/profiles/data/3/attributes/email`. */
  pointer: string;
}

export interface RecordedImportRow {
  /** Index in the job's `profiles.data`. */
  index: number;
  /** The profile resource as sent. */
  profile: Record<string, unknown>;
  outcome: 'pending' | 'applied' | 'failed';
  /** The mock profile it created or updated, once applied. */
  profileId: string | null;
  error: ImportRowError | null;
}

export interface RecordedImportJob {
  id: string;
  status: 'queued' | 'processing' | 'complete';
  /** ISO 8601 (mock clock). */
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** Lists named in `relationships.lists`: applied profiles join them. */
  listIds: string[];
  totalCount: number;
  completedCount: number;
  failedCount: number;
  /** How many times the job was read (`GET /api/profile-bulk-import-jobs/{job_id}`). */
  reads: number;
  rows: RecordedImportRow[];
}

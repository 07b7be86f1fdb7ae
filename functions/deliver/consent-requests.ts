// Request bodies of Klaviyo's consent jobs, in the JSON:API shapes of Bulk Subscribe Profiles and Bulk Unsubscribe
// Profiles: one job names one or more profiles by the channel's identifier (email, or E.164 phone number), the
// channel's marketing consent, and optionally a list. What a job's profiles must share (channel, list,
// historical import) is consent-jobs.ts's concern; these only write what they are given.
import type { ConsentChannel, KlaviyoConsentV1 } from '../shared/stage/contracts.ts';

/** One profile row of a consent job. */
export interface ConsentRow {
  channel: ConsentChannel;
  /** The channel's identifier: an email address, or an E.164 phone number. */
  identifier: string;
  /** Subscribe only, and only in a historical import (Klaviyo refuses it otherwise). */
  consented_at?: string;
}

/** The row a consent message becomes: named by its channel's identifier (the contract makes sure it has one). */
export function consentRowOf(message: KlaviyoConsentV1): ConsentRow {
  const identifier = message.channel === 'email' ? message.profile.email : message.profile.phone_number;
  if (identifier === undefined) throw new Error(`a ${message.channel} consent write without its identifier`);
  return {
    channel: message.channel,
    identifier,
    ...(message.consented_at === undefined ? {} : { consented_at: message.consented_at }),
  };
}

const identifierAttribute = (row: ConsentRow) =>
  row.channel === 'email' ? { email: row.identifier } : { phone_number: row.identifier };

const listRelationship = (listId: string | undefined) =>
  listId === undefined ? {} : { relationships: { list: { data: { type: 'list' as const, id: listId } } } };

/**
 * Bulk Subscribe Profiles. `historical_import` is the job's: with it, each row's `consented_at` is sent (Klaviyo
 * requires it then); without it, none is (Klaviyo refuses one).
 */
export function bulkSubscribeBody(job: {
  rows: readonly ConsentRow[];
  listId?: string | undefined;
  historicalImport: boolean;
}) {
  return {
    data: {
      type: 'profile-subscription-bulk-create-job' as const,
      attributes: {
        profiles: {
          data: job.rows.map((row) => ({
            type: 'profile' as const,
            attributes: {
              ...identifierAttribute(row),
              subscriptions: {
                [row.channel]: {
                  marketing: {
                    consent: 'SUBSCRIBED' as const,
                    ...(job.historicalImport && row.consented_at !== undefined
                      ? { consented_at: row.consented_at }
                      : {}),
                  },
                },
              },
            },
          })),
        },
        ...(job.historicalImport ? { historical_import: true } : {}),
      },
      ...listRelationship(job.listId),
    },
  };
}

/**
 * Bulk Unsubscribe Profiles: the channel's marketing consent becomes UNSUBSCRIBED. With a list, Klaviyo removes
 * the consent the profile has through that list — and unsubscribes a profile that is not in it from the channel
 * altogether (docs/delivery.md says why the relay sends the list anyway).
 */
export function bulkUnsubscribeBody(job: { rows: readonly ConsentRow[]; listId?: string | undefined }) {
  return {
    data: {
      type: 'profile-subscription-bulk-delete-job' as const,
      attributes: {
        profiles: {
          data: job.rows.map((row) => ({
            type: 'profile' as const,
            attributes: {
              ...identifierAttribute(row),
              subscriptions: { [row.channel]: { marketing: { consent: 'UNSUBSCRIBED' as const } } },
            },
          })),
        },
      },
      ...listRelationship(job.listId),
    },
  };
}

// Packs a batch's consent writes into Klaviyo consent jobs. One job shares what Klaviyo sets per job: the
// operation (subscribe or unsubscribe), the channel, the list, and `historical_import` (one flag a job: a
// subscription that carries `consented_at` is a historical import, one without is not). So writes are grouped by
// those, then cut at Klaviyo's size per job (1,000 profiles to subscribe, 100 to unsubscribe). Each job remembers
// which message sits at which row, so that an error pointer from Klaviyo names the message at fault.
import type { KlaviyoConsentV1 } from '../shared/stage/contracts.ts';
import { bulkSubscribeBody, bulkUnsubscribeBody, consentRowOf } from './consent-requests.ts';
import { KLAVIYO_PATHS } from './klaviyo-requests.ts';

export const SUBSCRIBE_MAX_PROFILES = 1_000;
export const UNSUBSCRIBE_MAX_PROFILES = 100;

export interface ConsentItem {
  /** The SQS message id the write came from. */
  id: string;
  message: KlaviyoConsentV1;
}

export interface ConsentJob {
  path: typeof KLAVIYO_PATHS.bulkSubscribe | typeof KLAVIYO_PATHS.bulkUnsubscribe;
  body: ReturnType<typeof bulkSubscribeBody> | ReturnType<typeof bulkUnsubscribeBody>;
  /** The items behind the rows, in row order. */
  items: ConsentItem[];
}

/** What one job's writes share. */
const jobKey = ({ message }: ConsentItem) =>
  JSON.stringify([
    message.consent,
    message.channel,
    message.list_id ?? null,
    message.consent === 'subscribed' && message.consented_at !== undefined,
  ]);

/** One job of these items, which share a job key. */
export function toConsentJob(items: readonly ConsentItem[]): ConsentJob {
  const first = items[0]?.message;
  if (!first) throw new Error('a consent job needs at least one write');
  const rows = items.map((item) => consentRowOf(item.message));
  if (first.consent === 'subscribed')
    return {
      path: KLAVIYO_PATHS.bulkSubscribe,
      body: bulkSubscribeBody({
        rows,
        listId: first.list_id,
        historicalImport: first.consented_at !== undefined,
      }),
      items: [...items],
    };
  return {
    path: KLAVIYO_PATHS.bulkUnsubscribe,
    body: bulkUnsubscribeBody({ rows, listId: first.list_id }),
    items: [...items],
  };
}

/** Groups the writes by what a job shares, keeping first-seen order, and cuts each group at the job's size. */
export function planConsentJobs(
  items: readonly ConsentItem[],
  limits: { subscribe?: number; unsubscribe?: number } = {},
): ConsentJob[] {
  const groups = new Map<string, ConsentItem[]>();
  for (const item of items) {
    const key = jobKey(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const jobs: ConsentJob[] = [];
  for (const group of groups.values()) {
    const size =
      group[0]?.message.consent === 'subscribed'
        ? (limits.subscribe ?? SUBSCRIBE_MAX_PROFILES)
        : (limits.unsubscribe ?? UNSUBSCRIBE_MAX_PROFILES);
    for (let start = 0; start < group.length; start += size)
      jobs.push(toConsentJob(group.slice(start, start + size)));
  }
  return jobs;
}

const ROW_POINTER = /^\/data\/attributes\/profiles\/data\/(\d+)(?:\/|$)/;

/** The item an error pointer names (`/data/attributes/profiles/data/{i}/…`); undefined when it names no row. */
export function itemAtPointer(job: ConsentJob, pointer: string | undefined): ConsentItem | undefined {
  const match = pointer === undefined ? null : ROW_POINTER.exec(pointer);
  return match ? job.items[Number(match[1])] : undefined;
}

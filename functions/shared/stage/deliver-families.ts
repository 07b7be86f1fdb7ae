// The deliver queue per Klaviyo write family (docs/adr/0036-a-deliver-queue-per-family.md): each family of deliver
// messages has its own queue, DLQ and event source mapping, so one family's backlog or job read-backs never hold
// another's batches. This is the one table of them: hydrate routes by it, deliver finds a record's queue pair by it,
// local mode and the bench create a queue per key, and Terraform's `module.queue` keys are the same names.
import type { DeliverMessage } from './contracts.ts';

/** Each family: its key (in DELIVER_QUEUE_URLS, DELIVER_DLQ_URLS), its queue key and the messages it carries. */
export const DELIVER_FAMILIES = [
  // `deliver` unchanged: an upgrade must not replace the queue that existing stacks already have.
  { family: 'events', queueKey: 'deliver', messageTypes: ['klaviyo.event'] },
  { family: 'profiles', queueKey: 'deliver-profiles', messageTypes: ['klaviyo.profile-upsert'] },
  { family: 'consent', queueKey: 'deliver-consent', messageTypes: ['klaviyo.consent'] },
  { family: 'catalog', queueKey: 'deliver-catalog', messageTypes: ['klaviyo.catalog'] },
  { family: 'records', queueKey: 'deliver-records', messageTypes: ['klaviyo.record'] },
  { family: 'back-in-stock', queueKey: 'deliver-back-in-stock', messageTypes: ['klaviyo.back-in-stock'] },
] as const satisfies readonly {
  family: string;
  queueKey: string;
  messageTypes: readonly DeliverMessage['type'][];
}[];

export type DeliverFamily = (typeof DELIVER_FAMILIES)[number]['family'];
export type DeliverQueueKey = (typeof DELIVER_FAMILIES)[number]['queueKey'];

/** The family whose queue was there before the others: every family without its own queue falls back to it. */
export const DEFAULT_DELIVER_FAMILY = 'events' satisfies DeliverFamily;

export const DELIVER_FAMILY_KEYS: readonly DeliverFamily[] = DELIVER_FAMILIES.map((f) => f.family);
export const DELIVER_QUEUE_KEYS: readonly DeliverQueueKey[] = DELIVER_FAMILIES.map((f) => f.queueKey);

const familyByType = new Map<string, DeliverFamily>(
  DELIVER_FAMILIES.flatMap((f) => f.messageTypes.map((type) => [type, f.family] as const)),
);

/** The family a deliver message type belongs to. */
export function deliverFamilyOf(messageType: DeliverMessage['type']): DeliverFamily {
  const family = familyByType.get(messageType);
  if (!family) throw new Error(`no deliver family carries message type ${messageType}`);
  return family;
}

/** The queue key (Terraform's `module.queue` key, the outputs' and .local/stack.json's keys) of a family. */
export function deliverQueueKeyOf(family: DeliverFamily): DeliverQueueKey {
  const entry = DELIVER_FAMILIES.find((f) => f.family === family);
  if (!entry) throw new Error(`unknown deliver family ${String(family)}`);
  return entry.queueKey;
}

export function isDeliverFamily(key: string): key is DeliverFamily {
  return (DELIVER_FAMILY_KEYS as readonly string[]).includes(key);
}

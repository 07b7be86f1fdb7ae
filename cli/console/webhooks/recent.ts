// Recent webhooks, from the archive (the module's archive bucket, or local mode's folder) through the same
// reader `relay replay` uses: newest first, optionally of one source and matching a delivery id.
import { archiveObjects, readArchiveObject, type ArchiveLocation } from '../../archive-reader.ts';
import type { RelayStack } from '../../../operations/relay-stack.ts';

export interface RecentWebhook {
  source: string;
  deliveryId: string;
  eventType: string;
  receivedAt: string;
}

export interface RecentQuery {
  source?: string;
  /** Part of a delivery id. */
  search?: string;
  hours: number;
  limit: number;
}

export function archiveLocationOf(stack: RelayStack): ArchiveLocation | undefined {
  if (stack.archiveBucketName) return { bucket: stack.archiveBucketName, s3: stack.s3 };
  if (stack.archiveDir) return { dir: stack.archiveDir };
  return undefined;
}

export async function recentWebhooks(
  location: ArchiveLocation,
  query: RecentQuery,
  now: Date,
): Promise<{ webhooks: RecentWebhook[]; sources: string[]; invalid: number }> {
  const from = new Date(now.getTime() - query.hours * 3_600_000);
  const keys = (await archiveObjects(location, from, now)).reverse();
  const found: RecentWebhook[] = [];
  const sources = new Set<string>();
  let invalid = 0;
  for (const key of keys) {
    const messages = await readArchiveObject(location, key, () => (invalid += 1));
    for (const message of messages) {
      sources.add(message.source);
      if (query.source && message.source !== query.source) continue;
      if (query.search && !message.delivery_id.includes(query.search)) continue;
      found.push({
        source: message.source,
        deliveryId: message.delivery_id,
        eventType: message.event_type,
        receivedAt: message.received_at,
      });
    }
  }
  found.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  return { webhooks: found.slice(0, query.limit), sources: [...sources].sort(), invalid };
}

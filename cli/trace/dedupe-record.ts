// The dedupe record of one webhook (functions/ingest/dedupe-store.ts): whether ingest accepted it and how far
// it got — `pending` (claimed, not yet confirmed as enqueued) or `done` (enqueued to hydrate).
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DedupeRecord {
  /** `pending` and `done` as stored; `expired` when past expires_at (ingest treats it as absent; TTL lags). */
  state: 'pending' | 'done' | 'expired';
  stored_status: string;
  /** Absent on records written before ingest stored it. */
  claimed_at: string | null;
  lease_until: string | null;
  expires_at: string | null;
}

const isoOfSeconds = (value: string | undefined): string | null =>
  value === undefined || !Number.isFinite(Number(value))
    ? null
    : new Date(Number(value) * 1000).toISOString();

/** The record for `<source>#<delivery id>`, or null when there is none (never accepted, or deleted by TTL). */
export async function readDedupeRecord(
  dynamodb: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  source: string,
  deliveryId: string,
  now: Date,
): Promise<DedupeRecord | null> {
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: `${source}#${deliveryId}` } },
      ConsistentRead: true,
    }),
  );
  if (!Item) return null;
  const status = Item.status?.S ?? 'unknown';
  const expiresAt = Item.expires_at?.N;
  const expired = expiresAt !== undefined && Number(expiresAt) * 1000 < now.getTime();
  return {
    state: expired ? 'expired' : status === 'done' ? 'done' : 'pending',
    stored_status: status,
    claimed_at: isoOfSeconds(Item.claimed_at?.N),
    lease_until: isoOfSeconds(Item.lease_until?.N),
    expires_at: isoOfSeconds(expiresAt),
  };
}

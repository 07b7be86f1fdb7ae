// Dedupe as a small state machine in DynamoDB, one item per `source#deliveryId`:
//   (absent | expired | pending with lapsed lease) --claim--> pending --confirmAll--> done
//                                               pending --release--> (absent)
// The claim is one conditional put, so two concurrent deliveries of one event cannot both pass. The lease
// means a request that died between claim and enqueue blocks the sender's retry only briefly.
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export type ClaimResult = 'claimed' | 'duplicate' | 'in_progress';

export interface ClaimRequest {
  key: string;
  token: string;
  nowSeconds: number;
  leaseSeconds: number;
  ttlSeconds: number;
}

export interface ConfirmEntry {
  key: string;
  token: string;
  /** When DynamoDB's TTL may delete the record: the end of the dedupe window. */
  expiresAtSeconds: number;
  /** When ingest claimed it, kept on the done record for operators (`relay trace`). */
  claimedAtSeconds?: number;
}

/** DynamoDB's BatchWriteItem limit. */
const BATCH_WRITE_ITEMS = 25;
/** Rounds for UnprocessedItems (throttling) before giving up on them. */
const BATCH_WRITE_ROUNDS = 4;

export interface DedupeStore {
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Marks many enqueued deliveries done in batches of 25. Unconditional, which is safe because it is
   * called only after our own enqueue succeeded: whoever holds the claim now, a message for the delivery
   * is in the queue, so `done` is true. Returns the keys that could not be written (they stay pending
   * and their lease lapses, so a sender's retry after it enqueues again).
   */
  confirmAll(entries: readonly ConfirmEntry[]): Promise<string[]>;
  /** Gives the claim up so the sender's retry goes through. */
  release(key: string, token: string): Promise<void>;
}

export function createDynamoDedupeStore(client: DynamoDBClient, tableName: string): DedupeStore {
  const byKey = (key: string) => ({ pk: { S: key } });
  const ownedBy = { ConditionExpression: '#token = :token', ExpressionAttributeNames: { '#token': 'token' } };

  async function classifyExisting(key: string, nowSeconds: number, old?: Record<string, AttributeValue>) {
    // Older emulators do not return the item on a failed condition: read it, consistently.
    const item =
      old ??
      (await client.send(new GetItemCommand({ TableName: tableName, Key: byKey(key), ConsistentRead: true })))
        .Item;
    if (!item) return 'in_progress'; // released between our put and read: the sender should retry
    if (item.status?.S === 'done') return 'duplicate';
    return Number(item.lease_until?.N ?? 0) >= nowSeconds ? 'in_progress' : 'duplicate';
  }

  return {
    async claim({ key, token, nowSeconds, leaseSeconds, ttlSeconds }) {
      const put = (condition: Partial<PutItemCommandInput>) =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...byKey(key),
              status: { S: 'pending' },
              token: { S: token },
              claimed_at: { N: String(nowSeconds) },
              lease_until: { N: String(nowSeconds + leaseSeconds) },
              expires_at: { N: String(nowSeconds + ttlSeconds) },
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...condition,
          }),
        );
      try {
        // Most deliveries are new: the short condition is the cheap common case (dynalite parses every
        // expression; in DynamoDB either costs one write).
        await put({ ConditionExpression: 'attribute_not_exists(pk)' });
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item;
        const now = Number(nowSeconds);
        const expired = old && Number(old.expires_at?.N ?? 0) < now;
        const lapsed = old && old.status?.S === 'pending' && Number(old.lease_until?.N ?? 0) < now;
        if (old && !expired && !lapsed) return classifyExisting(key, nowSeconds, old);
      }
      try {
        // Take over an expired record (TTL deletion lags by up to days) or a claim whose lease lapsed:
        // still one conditional put, so two retries racing for it cannot both win.
        await put({
          ConditionExpression:
            'attribute_not_exists(pk) OR expires_at < :now OR (#status = :pending AND lease_until < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':pending': { S: 'pending' } },
        });
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return classifyExisting(key, nowSeconds, error.Item);
      }
    },

    async confirmAll(entries) {
      const chunks: ConfirmEntry[][] = [];
      for (let i = 0; i < entries.length; i += BATCH_WRITE_ITEMS)
        chunks.push(entries.slice(i, i + BATCH_WRITE_ITEMS));
      const leftOver = await Promise.all(
        chunks.map(async (chunk) => {
          let requests: { PutRequest: { Item: Record<string, AttributeValue> } }[] = chunk.map(
            ({ key, token, expiresAtSeconds, claimedAtSeconds }) => ({
              PutRequest: {
                Item: {
                  ...byKey(key),
                  status: { S: 'done' },
                  token: { S: token },
                  expires_at: { N: String(expiresAtSeconds) },
                  ...(claimedAtSeconds !== undefined && { claimed_at: { N: String(claimedAtSeconds) } }),
                },
              },
            }),
          );
          for (let round = 0; round < BATCH_WRITE_ROUNDS && requests.length > 0; round++) {
            if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
            const out = await client.send(
              new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
            );
            requests = (out.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
              r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
            );
          }
          return requests.map((r) => r.PutRequest.Item.pk?.S ?? '');
        }),
      );
      return leftOver.flat();
    },

    async release(key, token) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: byKey(key),
            ...ownedBy,
            ExpressionAttributeValues: { ':token': { S: token } },
          }),
        );
      } catch (error) {
        // Someone else holds it now (our lease lapsed): theirs to finish.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}

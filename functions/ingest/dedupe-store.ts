// Dedupe as a small state machine in DynamoDB, one item per `source#deliveryId`:
//   (absent | expired | pending with lapsed lease) --claim--> pending --confirm--> done
//                                               pending --release--> (absent)
// The claim is one conditional put, so two concurrent deliveries of one event cannot both pass. The lease
// means a request that died between claim and enqueue blocks the sender's retry only briefly.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
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

export interface DedupeStore {
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Marks the delivery done; only the holder of the claim's token can. */
  confirm(key: string, token: string): Promise<void>;
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
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...byKey(key),
              status: { S: 'pending' },
              token: { S: token },
              lease_until: { N: String(nowSeconds + leaseSeconds) },
              expires_at: { N: String(nowSeconds + ttlSeconds) },
            },
            // TTL deletion lags by up to days, so an expired item counts as absent.
            ConditionExpression:
              'attribute_not_exists(pk) OR expires_at < :now OR (#status = :pending AND lease_until < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':pending': { S: 'pending' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return classifyExisting(key, nowSeconds, error.Item);
      }
    },

    async confirm(key, token) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: byKey(key),
          UpdateExpression: 'SET #status = :done REMOVE lease_until',
          ...ownedBy,
          ExpressionAttributeNames: { ...ownedBy.ExpressionAttributeNames, '#status': 'status' },
          ExpressionAttributeValues: { ':token': { S: token }, ':done': { S: 'done' } },
        }),
      );
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

// A claim per piece of state while a write of it is in flight (docs/adr/0032-state-write-leases.md). The version
// check (state-versions.ts) orders writes by `as_of`, but two writes that both passed it can still reach Klaviyo out
// of order: a job Klaviyo processes later, or two instances sending at once. So the check also takes a lease on the
// write's keys (its owner: the message, stable across its retries; its end: a time bound), and a newer write whose
// keys another owner holds waits (a deferral) instead of being sent. The lease lives on the state item itself
// (`lease_owner`, `lease_until_ms`), so taking it is part of the same conditional UpdateItem.
import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** A lease asked for with a state check: who holds it, the clock it is judged by, and when it runs out. */
export interface LeaseClaim {
  owner: string;
  nowMs: number;
  untilMs: number;
}

/** The verdict of a check whose keys another owner holds: the write must wait (until the time given, at most). */
export interface InFlight {
  inFlightUntilMs: number;
}

/** Reason of the deferral of a write that waits for another write of its state. */
export const STATE_WRITE_IN_FLIGHT = 'state_write_in_flight';

/**
 * How long a lease lasts unless released: longer than any invocation (Lambda's longest is 15 minutes), so a lease
 * taken by an instance that died mid-write runs out only after any request it sent was answered or timed out.
 */
export const STATE_LEASE_MS = 15 * 60_000;

/**
 * How long a consent job's lease outlives Klaviyo's 202. Klaviyo gives no read-back of a subscription job, so the
 * lease runs out after a bound in which Klaviyo processes it (seconds, normally); a newer write for the same
 * profile and channel waits that long at most.
 */
export const CONSENT_JOB_SETTLE_MS = 120_000;

/** The longest a deferred write waits before it checks the lease again (a lease is often released early). */
export const IN_FLIGHT_RECHECK_SECONDS = 30;

/** The owner of a message's leases: the same for every retry, redelivery and redrive of that message. */
export function leaseOwnerOf(message: { type: string; correlation_id: string; as_of?: string | undefined }) {
  return `${message.type}|${message.correlation_id}|${message.as_of ?? ''}`;
}

/** The lease's part of the state check's UpdateItem (appended to its SET, its condition and its values). */
export function leaseParts(claim: LeaseClaim | undefined): {
  set: string;
  condition: string;
  values: Record<string, AttributeValue>;
} {
  if (!claim) return { set: '', condition: '', values: {} };
  return {
    set: ', lease_owner = :lease_owner, lease_until_ms = :lease_until',
    condition:
      ' AND (attribute_not_exists(lease_owner) OR lease_owner = :lease_owner OR lease_until_ms <= :lease_now)',
    values: {
      ':lease_owner': { S: claim.owner },
      ':lease_until': { N: String(claim.untilMs) },
      ':lease_now': { N: String(claim.nowMs) },
    },
  };
}

export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Why a check with a lease was refused: the version (stale), or the lease someone holds (its owner and end). */
export type Refusal = 'stale' | { owner: string | undefined; untilMs: number | undefined };

/**
 * After a refused check: the version part of the condition alone, as a write that changes nothing and returns the
 * item. Refused again → the write is stale; passed → the lease was the cause, and the item says whose it is. An
 * UpdateItem rather than a GetItem: deliver's role keeps its one DynamoDB action, and the version condition is
 * the check's own (no second copy of the rule to keep equal). An item gone meanwhile (its TTL) makes DynamoDB
 * refuse the expression: an error, so the write is retried, never skipped.
 */
export async function whyRefused(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  key: string,
  version: { condition: string; values: Record<string, AttributeValue> },
): Promise<Refusal> {
  try {
    const answer = await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: key } },
        UpdateExpression: 'SET expires_at = expires_at',
        ConditionExpression: version.condition,
        ExpressionAttributeValues: version.values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const until = answer.Attributes?.lease_until_ms?.N;
    return {
      owner: answer.Attributes?.lease_owner?.S,
      untilMs: until === undefined ? undefined : Number(until),
    };
  } catch (error) {
    if (isConditionFailure(error)) return 'stale';
    throw error;
  }
}

/** One verdict for a write of several keys: stale if one is, else in flight if one is held, else newest. */
export function combinedVerdict<V extends 'newest' | 'stale' | InFlight>(
  verdicts: readonly V[],
): V | InFlight {
  if (verdicts.includes('stale' as V)) return 'stale' as V;
  const held = verdicts.filter((v): v is V & InFlight => typeof v === 'object');
  if (held.length === 0) return 'newest' as V;
  return { inFlightUntilMs: Math.max(...held.map((v) => v.inFlightUntilMs)) };
}

/** Ending the leases a write took, once what became of it is known. */
export interface StateLeases {
  /** Frees the keys now (the write is known applied, or failed for good; a write not sent at all). */
  release(keys: readonly string[], owner: string): Promise<void>;
  /** Lets the lease run out at `untilMs` (a job Klaviyo accepted and gives no read-back of). */
  settle(keys: readonly string[], owner: string, untilMs: number): Promise<void>;
}

export function createDynamoStateLeases(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
): StateLeases {
  // Only the owner's lease changes: one taken over after it ran out is the new owner's.
  async function update(key: string, owner: string, expression: string, values = {}) {
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: key } },
          UpdateExpression: expression,
          ConditionExpression: 'lease_owner = :lease_owner',
          ExpressionAttributeValues: { ':lease_owner': { S: owner }, ...values },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return {
    async release(keys, owner) {
      await Promise.all(keys.map((key) => update(key, owner, 'REMOVE lease_owner, lease_until_ms')));
    },
    async settle(keys, owner, untilMs) {
      await Promise.all(
        keys.map((key) =>
          update(key, owner, 'SET lease_until_ms = :lease_until', { ':lease_until': { N: String(untilMs) } }),
        ),
      );
    },
  };
}

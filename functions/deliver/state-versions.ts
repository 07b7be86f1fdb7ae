// State writes go forward only (issue 18, item 8): a write carries the time of the state it describes (`as_of`),
// the relay keeps the newest time it has written per piece of state, and a write older than that is skipped. A
// replay of an old `customers/update` would otherwise put the old name and address back. One item per profile
// identifier in the dedupe table, under a key prefix no dedupe key can have (those begin with a source name,
// lowercase), so deliver needs no table of its own. The check and the record are one conditional UpdateItem.
// Later state kinds (issue 20) add keys of their own; the rule is the same. A version is a time or a sequence number
// (./state-write-version.ts says where each is kept and for how long).
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ProfileIdentifiers } from '../shared/stage/contracts.ts';
import { versionRecord, type StateVersion } from './state-write-version.ts';

/** `newest`: no newer write is recorded (the write goes ahead, and its time is now recorded); `stale`: skip it. */
export type StateWriteVerdict = 'newest' | 'stale';

export interface StateVersions {
  /**
   * Records `version` for each key unless a key holds a newer one (of its kind: a time, or the source's sequence).
   * An equal version passes, so a retried write (whose earlier attempt recorded it, then failed at Klaviyo) is
   * written.
   */
  advance(keys: readonly string[], version: StateVersion): Promise<StateWriteVerdict>;
}

/** Prefix of every state item: uppercase, which no source name (hence no dedupe key) starts with. */
export const STATE_KEY_PREFIX = 'STATE#';

/**
 * The keys of a profile's state: one per identifier it is named by, hashed (no address or number in the table).
 * A write is stale when any of them saw a newer one, so a profile named by its email in one webhook and by email
 * and phone number in the next is still one profile here. Emails are compared as Klaviyo does, ignoring case.
 */
export function profileStateKeys(profile: ProfileIdentifiers): string[] {
  const identifiers: [string, string | undefined][] = [
    ['id', profile.id],
    ['email', profile.email?.trim().toLowerCase()],
    ['phone_number', profile.phone_number],
    ['external_id', profile.external_id],
  ];
  return identifiers.flatMap(([kind, value]) =>
    value === undefined
      ? []
      : [`${STATE_KEY_PREFIX}profile#${kind}#${createHash('sha256').update(value).digest('hex')}`],
  );
}

export function createDynamoStateVersions(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  /** How long a recorded time is kept after it (TTL): longer than the oldest webhook a replay can send. */
  ttlSeconds: number,
  /** The clock a sequence's TTL is counted from (a sequence is no time). */
  now: () => number = Date.now,
): StateVersions {
  async function advanceOne(stateKey: string, version: StateVersion): Promise<StateWriteVerdict> {
    const { key, attribute, value, expiresAt } = versionRecord(stateKey, version, ttlSeconds, now());
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: key } },
          // :as_of is the version: epoch ms (as_of_ms) or a sequence's digits (sequence_no).
          UpdateExpression: `SET ${attribute} = :as_of, expires_at = :expires`,
          ConditionExpression: `attribute_not_exists(${attribute}) OR ${attribute} <= :as_of`,
          ExpressionAttributeValues: {
            ':as_of': { N: value },
            ':expires': { N: String(expiresAt) },
          },
        }),
      );
      return 'newest';
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      )
        return 'stale';
      throw error;
    }
  }

  return {
    async advance(keys, version) {
      const verdicts = await Promise.all(keys.map((key) => advanceOne(key, version)));
      return verdicts.includes('stale') ? 'stale' : 'newest';
    },
  };
}

/** STATE_TTL_SECONDS (set by Terraform from the archive's retention and the queues'); default 120 days. */
export function stateTtlSecondsOf(env: NodeJS.ProcessEnv): number {
  const raw = env.STATE_TTL_SECONDS;
  if (raw === undefined || raw === '') return 120 * 86_400;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 86_400)
    throw new Error(
      `STATE_TTL_SECONDS must be a whole number of seconds, at least 86400, not ${JSON.stringify(raw)}`,
    );
  return value;
}

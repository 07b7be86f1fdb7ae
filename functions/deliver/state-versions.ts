// State writes go forward only (issue 18, item 8): a write carries the time of the state it describes (`as_of`),
// the relay keeps the newest time it has written per piece of state, and a write older than that is skipped. A
// replay of an old `customers/update` would otherwise put the old name and address back. One item per profile
// identifier in the dedupe table, under a key prefix no dedupe key can have (those begin with a source name,
// lowercase), so deliver needs no table of its own. The check and the record are one conditional UpdateItem.
// Later state kinds (issue 20) add keys of their own; the rule is the same. The same UpdateItem also takes a lease
// on the key while the write is in flight (state-leases.ts, ADR 0032); its parts are appended, apart from the version's.
// A version is a time or a sequence number (./state-write-version.ts: where each is kept, and for how long).
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ProfileIdentifiers } from '../shared/stage/contracts.ts';
import {
  combinedVerdict,
  createDynamoStateLeases,
  leaseParts,
  whyRefused,
  type InFlight,
  type LeaseClaim,
  type StateLeases,
} from './state-leases.ts';
import { versionRecord, type StateVersion } from './state-write-version.ts';

/**
 * `newest`: no newer write is recorded (the write goes ahead, and its time is now recorded); `stale`: skip it;
 * in flight (asked with a lease only): another owner's write of this state is in flight, so this one waits.
 */
export type StateWriteVerdict = 'newest' | 'stale' | InFlight;

export interface StateVersions {
  /**
   * Records `version` for each key unless a key holds a newer one (of its kind: a time, or a sequence number). An
   * equal version passes, so a retried write (whose earlier attempt recorded it, then failed at Klaviyo) is written.
   * A sequence's keys are the source's own (stateItemKeys). With a `lease`, also takes the keys for its owner
   * (state-leases.ts): refused while another owner holds one; on any verdict but newest, the keys this call took
   * are freed again.
   */
  advance(keys: readonly string[], version: StateVersion, lease?: LeaseClaim): Promise<StateWriteVerdict>;
  /** Ends the leases `advance` took; absent where writes take none. */
  leases?: StateLeases;
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
  const leases = createDynamoStateLeases(client, tableName);

  async function advanceOne(
    key: string,
    stateVersion: StateVersion,
    claim?: LeaseClaim,
    attempt = 1,
  ): Promise<StateWriteVerdict> {
    // The version rule, also asked alone when a check with a lease is refused (whyRefused). :as_of is the version:
    // epoch ms (as_of_ms) or a sequence's digits (sequence_no).
    const { attribute, value, expiresAt } = versionRecord(stateVersion, ttlSeconds, now());
    const version = {
      condition: `attribute_not_exists(${attribute}) OR ${attribute} <= :as_of`,
      values: { ':as_of': { N: value } },
    };
    // --- lease (state-leases.ts): appended to the version's update, condition and values ---
    const lease = leaseParts(claim);
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: key } },
          UpdateExpression: `SET ${attribute} = :as_of, expires_at = :expires` + lease.set,
          ConditionExpression: `(${version.condition})` + lease.condition,
          ExpressionAttributeValues: {
            ...version.values,
            ':expires': { N: String(expiresAt) },
            ...lease.values,
          },
        }),
      );
      return 'newest';
    } catch (error) {
      if (
        !(error instanceof ConditionalCheckFailedException) &&
        (error as Error).name !== 'ConditionalCheckFailedException'
      )
        throw error;
      if (!claim) return 'stale';
    }
    return leasedRefusal(key, stateVersion, claim, version, attempt);
  }

  /** A check with a lease was refused: stale, held by another owner (in flight), or free again (check again). */
  async function leasedRefusal(
    key: string,
    stateVersion: StateVersion,
    claim: LeaseClaim,
    version: Parameters<typeof whyRefused>[3],
    attempt: number,
  ): Promise<StateWriteVerdict> {
    const why = await whyRefused(client, tableName, key, version);
    if (why === 'stale') return 'stale';
    const { owner, untilMs } = why;
    if (owner !== undefined && owner !== claim.owner && untilMs !== undefined && untilMs > claim.nowMs)
      return { inFlightUntilMs: untilMs };
    // Released or run out in between: check again (it is taken now, or held by the next owner); under steady
    // contention, wait a moment as if it were held.
    if (attempt >= 3) return { inFlightUntilMs: claim.nowMs + 1_000 };
    return advanceOne(key, stateVersion, claim, attempt + 1);
  }

  return {
    async advance(keys, version, claim) {
      const verdicts = await Promise.all(keys.map((key) => advanceOne(key, version, claim)));
      const verdict = combinedVerdict(verdicts);
      if (claim && verdict !== 'newest')
        await leases.release(
          keys.filter((_, i) => verdicts[i] === 'newest'),
          claim.owner,
        );
      return verdict;
    },
    leases,
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

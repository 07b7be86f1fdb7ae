// A state write's version as deliver compares it (ADR 0026, issue 20): the time of the state (`as_of`) or, when the
// mapping versions it by a number the source counts up, that sequence number (`sequence`, decimal digits). Times
// are compared with times, and sequences with sequences of the same source only: a sequence says nothing of a date,
// and two sources count apart. So a sequence is kept under keys of its own (the state key and its source) and in an
// attribute of its own, and its item's TTL is counted from when the write is made: counted from the number, as if
// it were a date in 1970, the item would be expired already and DynamoDB would forget the order.

/** A sequence number (decimal digits, at most 38: what a DynamoDB number holds exactly) and the source counting. */
export interface StateSequence {
  sequence: string;
  source: string;
}
export type StateVersion = Date | StateSequence;

/** The version a write carries: its sequence when it has one, else its time; undefined for neither (unordered). */
export function versionOfWrite(message: {
  source: string;
  as_of?: string | undefined;
  sequence?: string | undefined;
}): StateVersion | undefined {
  if (message.sequence !== undefined) return { sequence: message.sequence, source: message.source };
  return message.as_of === undefined ? undefined : new Date(message.as_of);
}

/** Where a version of the state `key` is kept: the key itself for a time, a key of the source's for a sequence. */
export function versionKey(key: string, version: StateVersion): string {
  return version instanceof Date ? key : `${key}#sequence:${version.source}`;
}

/** Orders two versions kept under one versionKey (so of one kind and one source): negative, 0 or positive. */
export function compareVersions(a: StateVersion, b: StateVersion): number {
  if (a instanceof Date || b instanceof Date) {
    if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
    throw new Error('a time and a sequence number are not comparable');
  }
  const [x, y] = [BigInt(a.sequence), BigInt(b.sequence)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The store items a write of `keys` at `version` is checked under (and leased on: ADR 0032). */
export function stateItemKeys(keys: readonly string[], version: StateVersion): string[] {
  return keys.map((key) => versionKey(key, version));
}

/** What the store records for a version: its attribute, its number, and the item's TTL (epoch s). */
export function versionRecord(
  version: StateVersion,
  ttlSeconds: number,
  nowMs: number,
): { attribute: 'as_of_ms' | 'sequence_no'; value: string; expiresAt: number } {
  if (version instanceof Date)
    return {
      attribute: 'as_of_ms',
      value: String(version.getTime()),
      expiresAt: Math.floor(version.getTime() / 1000) + ttlSeconds,
    };
  return {
    attribute: 'sequence_no',
    value: version.sequence,
    expiresAt: Math.floor(nowMs / 1000) + ttlSeconds,
  };
}

/** The version as log fields. */
export function versionFields(version: StateVersion): { as_of: string } | { sequence: string } {
  return version instanceof Date ? { as_of: version.toISOString() } : { sequence: version.sequence };
}

// Of a batch's state writes, the newest per state key (ADR 0026, 0030, 0031): only it goes on, the others are
// skipped as stale before the state check, so two writes of one piece of state never race each other in one
// invocation (nor lie in one Bulk Import Profiles job, whose rows Klaviyo does not promise to import in order).
// Profile upserts, consent writes and catalog rows all use it, each with its own keys.
import { compareVersions, versionKey, type StateVersion } from './state-write-version.ts';

/** A write's state keys (one or more) and its version; a write without a version takes part in no comparison. */
export interface WriteState {
  keys: readonly string[];
  version: StateVersion | undefined;
}

/**
 * Splits `items` into the newest per key (which go on) and the others (older than another under one of their keys:
 * stale). Of equal versions the later in the batch wins, as it would had they come apart. Versions are compared
 * where the store compares them (versionKey: times with times, a source's sequences with its own); a write newest
 * under one of its keys but older under another is older.
 */
export function newestInBatch<T>(
  items: readonly T[],
  stateOf: (item: T) => WriteState,
): { newest: T[]; older: T[] } {
  const best = new Map<string, { item: T; version: StateVersion }>();
  const placed = items.map((item) => {
    const { keys, version } = stateOf(item);
    if (version === undefined) return [];
    const held = keys.map((key) => versionKey(key, version));
    for (const key of held) {
      const current = best.get(key);
      if (!current || compareVersions(current.version, version) <= 0) best.set(key, { item, version });
    }
    return held;
  });
  const isNewest = (item: T, i: number) => (placed[i] ?? []).every((key) => best.get(key)?.item === item);
  return {
    newest: items.filter(isNewest),
    older: items.filter((item, i) => !isNewest(item, i)),
  };
}

// The one check every state write passes before it is sent (docs/adr/0026-replay-and-state-writes.md, ADR 0030):
// the write's version (its `as_of`, or its `sequence`) is recorded under its state keys unless one of them holds a
// newer one, in which case the write is skipped — logged and counted as `stale_state_skipped`, never dead-lettered. A store that cannot be
// reached makes the write a retry, never a skip.
import type { Logger } from '../shared/logger.ts';
import { RetryableError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { DONE, type DeliverCounters } from './deliver-outcome.ts';
import type { StateVersions } from './state-versions.ts';
import { versionFields, type StateVersion } from './state-write-version.ts';

export interface StateCheckPorts {
  counters: DeliverCounters;
  /** Without it, state writes go as they come. */
  stateVersions?: StateVersions | undefined;
}

/**
 * DONE for a write older than one the relay already made under one of `keys` (skipped, counted), a retry when that
 * cannot be checked now, undefined when the write should go ahead (then its time is recorded).
 */
export async function staleStateWrite(
  write: { keys: readonly string[]; version: StateVersion | undefined; what: string },
  log: Logger,
  ports: StateCheckPorts,
): Promise<RecordOutcome | undefined> {
  if (write.version === undefined || !ports.stateVersions) return undefined;
  try {
    const verdict = await ports.stateVersions.advance(write.keys, write.version);
    if (verdict === 'newest') return undefined;
  } catch (error) {
    const retry = new RetryableError(
      `could not check the ${write.what}'s newest write: ${(error as Error).message}`,
      'state_store_unavailable',
      undefined,
      { cause: error },
    );
    return { kind: 'retry', error: retry };
  }
  ports.counters.count('stale_state_skipped');
  log.info(`skipped a ${write.what} write older than one the relay already made`, {
    outcome: 'stale_state_skipped',
    ...versionFields(write.version),
  });
  return DONE;
}

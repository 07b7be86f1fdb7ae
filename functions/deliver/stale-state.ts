// The one check every state write passes before it is sent (docs/adr/0026-replay-and-state-writes.md, ADR 0030):
// the write's version (its `as_of`, or its `sequence`) is recorded under its state keys unless one of them holds a
// newer one, in which case the write is skipped — logged and counted as `stale_state_skipped`, never
// dead-lettered. A store that cannot be reached makes the write a retry, never a skip. With a lease (ADR 0032) the
// check also claims the keys while the write is in flight; a write whose keys another owner holds waits: a
// deferral (`state_write_in_flight`, counted as `deferred`, not as a failed attempt), re-checked when the lease
// should be free.
import type { Logger } from '../shared/logger.ts';
import { DeferredError, RetryableError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { DONE, type DeliverCounters } from './deliver-outcome.ts';
import { IN_FLIGHT_RECHECK_SECONDS, STATE_LEASE_MS, STATE_WRITE_IN_FLIGHT } from './state-leases.ts';
import type { LeaseLedger } from './state-lease-ends.ts';
import type { StateVersions } from './state-versions.ts';
import { stateItemKeys, versionFields, type StateVersion } from './state-write-version.ts';

export interface StateCheckPorts {
  counters: DeliverCounters;
  /** Without it, state writes go as they come. */
  stateVersions?: StateVersions | undefined;
  /** Where the leases taken are noted, to be ended once the writes' outcomes are known; without it, none is taken. */
  leases?: LeaseLedger | undefined;
}

/**
 * DONE for a write older than one the relay already made under one of `keys` (skipped, counted), a retry when that
 * cannot be checked now, a deferral while another write of its state is in flight, undefined when the write should
 * go ahead (then its time is recorded, and its lease noted).
 */
export async function staleStateWrite(
  write: {
    keys: readonly string[];
    version: StateVersion | undefined;
    what: string;
    /** The message (its id in the batch, the lease's owner) and how its lease ends once it is answered. */
    lease?: { id: string; owner: string; ends: 'released' | 'runs-out' };
  },
  log: Logger,
  ports: StateCheckPorts,
): Promise<RecordOutcome | undefined> {
  if (write.version === undefined || !ports.stateVersions) return undefined;
  // A sequence is kept (and leased) under the source's own items: the keys noted for the lease's end are these.
  const keys = stateItemKeys(write.keys, write.version);
  const ledger = write.lease && ports.leases;
  const nowMs = ledger ? ledger.now() : 0;
  const claim =
    ledger && write.lease ? { owner: write.lease.owner, nowMs, untilMs: nowMs + STATE_LEASE_MS } : undefined;
  let verdict;
  try {
    verdict = await ports.stateVersions.advance(keys, write.version, claim);
  } catch (error) {
    const retry = new RetryableError(
      `could not check the ${write.what}'s newest write: ${(error as Error).message}`,
      'state_store_unavailable',
      undefined,
      { cause: error },
    );
    return { kind: 'retry', error: retry };
  }
  if (verdict === 'newest') {
    if (ledger && write.lease) ledger.note({ ...write.lease, keys });
    return undefined;
  }
  if (verdict !== 'stale') {
    const seconds = Math.ceil((verdict.inFlightUntilMs - nowMs) / 1000);
    const delay = Math.min(IN_FLIGHT_RECHECK_SECONDS, Math.max(1, seconds));
    ports.counters.count('deferred');
    log.info(`deferred a ${write.what} write: another write of the same state is in flight`, {
      outcome: 'deferred',
      reason: STATE_WRITE_IN_FLIGHT,
      ...versionFields(write.version),
      delay_seconds: delay,
    });
    const error = new DeferredError(
      `another ${write.what} write of the same state is in flight`,
      STATE_WRITE_IN_FLIGHT,
      delay,
    );
    return { kind: 'retry', error };
  }
  ports.counters.count('stale_state_skipped');
  log.info(`skipped a ${write.what} write older than one the relay already made`, {
    outcome: 'stale_state_skipped',
    ...versionFields(write.version),
  });
  return DONE;
}

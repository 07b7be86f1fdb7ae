// The end of each lease a batch's state writes took (ADR 0032), once their outcomes are known:
//   - delivered, where Klaviyo's answer means the state is applied (a profile import answered 2xx; a profile import
//     job read back complete): released at once;
//   - delivered as a consent job (Klaviyo's 202 says only that the job exists, and there is no read-back): the lease
//     runs out CONSENT_JOB_SETTLE_MS later, time for Klaviyo to apply it;
//   - dead-lettered (a definite failure: nothing of it is applied): released;
//   - retried or deferred: kept, so that the same message's next attempt passes and a newer write still waits
//     (a job not read back in time may still be applied by Klaviyo); it runs out at its end if no attempt comes.
// A store that cannot be reached now, or no time left in the invocation, only leaves the lease to run out: the
// outcomes stand.
import type { Logger } from '../shared/logger.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { runLimited } from './run-limited.ts';
import { CONSENT_JOB_SETTLE_MS } from './state-leases.ts';
import type { StateVersions } from './state-versions.ts';

/** Lease ends sent at once: a job's thousands of profiles must not open thousands of connections. */
const ENDS_IN_FLIGHT = 25;

export interface LeasedWrite {
  /** The message's id in the batch. */
  id: string;
  owner: string;
  keys: readonly string[];
  /** `released` when the write's answer means it is applied; `runs-out` for a job that is not read back. */
  ends: 'released' | 'runs-out';
}

/** The leases a batch took, with the clock they are judged by. */
export interface LeaseLedger {
  now(): number;
  note(write: LeasedWrite): void;
  taken(): readonly LeasedWrite[];
}

export function createLeaseLedger(now: () => number): LeaseLedger {
  const writes: LeasedWrite[] = [];
  return { now, note: (write) => void writes.push(write), taken: () => writes };
}

export async function endStateLeases(
  ledger: LeaseLedger,
  outcomes: ReadonlyMap<string, RecordOutcome>,
  ports: {
    stateVersions?: StateVersions | undefined;
    logOf: (id: string) => Logger;
    /** How long a consent job's lease outlives its 202; default CONSENT_JOB_SETTLE_MS. */
    consentJobSettleMs?: number | undefined;
    /** Local time after which no end is started (the invocation must return): those leases run out instead. */
    deadline: number;
  },
): Promise<void> {
  const leases = ports.stateVersions?.leases;
  if (!leases) return;
  await runLimited(ledger.taken(), ENDS_IN_FLIGHT, async (write) => {
    const kind = outcomes.get(write.id)?.kind ?? 'retry';
    if (kind === 'retry' || ledger.now() >= ports.deadline) return;
    try {
      if (kind === 'done' && write.ends === 'runs-out')
        await leases.settle(
          write.keys,
          write.owner,
          ledger.now() + (ports.consentJobSettleMs ?? CONSENT_JOB_SETTLE_MS),
        );
      else await leases.release(write.keys, write.owner);
    } catch (error) {
      ports.logOf(write.id).warn('could not end the lease of a state write; it runs out by itself', {
        error: error as Error,
      });
    }
  });
}

// Consent writes, as Klaviyo jobs (consent-jobs.ts). First the order of state (ADR 0030): of a batch's writes for
// one profile and channel only the newest goes on, and it goes only if the relay has written nothing newer for
// that profile and channel (stale-state.ts); the others are skipped as stale, never dead-lettered. Then one
// Klaviyo answer per job decides its writes' outcomes:
//   - 2xx (202: the job is accepted): delivered;
//   - 429, 401/403, 5xx and timeouts: every write of the job is retried as the retry plan says (a resent
//     subscription or unsubscription sets the same state again, so a resend is harmless);
//   - another 4xx whose pointer names a row (`/data/attributes/profiles/data/{i}/…`): that write is dead-lettered
//     with Klaviyo's detail and pointer, and the rest go again in a new job (refused-rows.ts);
//   - another 4xx naming no row (or the rounds ran out): each remaining write goes again in a job of its own, so
//     each gets its own verdict.
import type { Logger } from '../shared/logger.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import {
  planConsentJobs,
  itemAtPointer,
  toConsentJob,
  type ConsentItem,
  type ConsentJob,
} from './consent-jobs.ts';
import { consentWriteState } from './consent-state.ts';
import type { SendPorts } from './deliver-event.ts';
import { DONE, outcomeOfError } from './deliver-outcome.ts';
import { KlaviyoRejection } from './klaviyo-client.ts';
import { newestInBatch } from './newest-in-batch.ts';
import { handleRefusal } from './refused-rows.ts';
import { runLimited } from './run-limited.ts';
import { staleStateWrite } from './stale-state.ts';
import type { LeaseLedger } from './state-lease-ends.ts';
import { leaseOwnerOf } from './state-leases.ts';
import type { StateVersions } from './state-versions.ts';

export interface ConsentPorts extends SendPorts {
  log: Logger;
  /** Log of each message, for per-message lines. */
  logOf: (id: string) => Logger;
  maxInFlight: number;
  /** The newest state written per profile and channel; without it, consent writes go as they come. */
  stateVersions?: StateVersions | undefined;
  /** Where the leases of the writes that go are noted (ADR 0032); without it, none is taken. */
  leases?: LeaseLedger | undefined;
}

export async function deliverConsent(
  items: readonly ConsentItem[],
  ports: ConsentPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const { newest, older } = newestInBatch(items, (item) => consentWriteState(item.message));
  for (const { id, message } of older) {
    ports.counters.count('stale_state_skipped');
    ports.logOf(id).info('skipped a consent write older than another in the same batch', {
      outcome: 'stale_state_skipped',
      as_of: message.as_of,
      ...(message.sequence === undefined ? {} : { sequence: message.sequence }),
    });
    outcomes.set(id, DONE);
  }

  const toSend: ConsentItem[] = [];
  await runLimited(newest, ports.maxInFlight, async (item) => {
    const skipped = await staleStateWrite(
      {
        ...consentWriteState(item.message),
        what: 'consent',
        // A job with no read-back: its lease runs out after Klaviyo has had time to apply it.
        lease: { id: item.id, owner: leaseOwnerOf(item.message), ends: 'runs-out' },
      },
      ports.logOf(item.id),
      ports,
    );
    if (skipped) outcomes.set(item.id, skipped);
    else toSend.push(item);
  });
  // The checks finish in any order; the jobs keep the batch's.
  const order = new Map(items.map((item, i) => [item.id, i]));
  toSend.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));

  async function send(job: ConsentJob, round: number): Promise<void> {
    try {
      await ports.klaviyo.post(job.path, job.body, { deadline: ports.deadline });
    } catch (error) {
      if (!(error instanceof KlaviyoRejection)) {
        const outcome = outcomeOfError(error, ports.counters);
        for (const { id } of job.items) outcomes.set(id, outcome);
        return;
      }
      const byId = new Map(job.items.map((item) => [item.id, item]));
      const refusal = {
        what: 'consent job',
        blamed: (e: KlaviyoRejection) => {
          const item = itemAtPointer(job, e.errors[0]?.source?.pointer);
          return item ? [item.id] : undefined;
        },
        // Sent alone, each write goes in a job of its own, where a refusal can only name it.
        rowJobs: {
          send: (ids: readonly string[], next: number) =>
            send(toConsentJob(ids.flatMap((id) => byId.get(id) ?? [])), next),
          maxInFlight: ports.maxInFlight,
        },
      };
      const ids = job.items.map((item) => item.id);
      return handleRefusal(ids, error, round, refusal, ports, outcomes);
    }
    ports.counters.count('delivered', job.items.length);
    for (const { id, message } of job.items) {
      outcomes.set(id, DONE);
      ports.logOf(id).info('delivered', {
        outcome: 'delivered',
        operation: job.path,
        channel: message.channel,
        consent: message.consent,
      });
    }
  }

  // Consent jobs are small and share one budget per operation: as many at once as the other single writes.
  await runLimited(planConsentJobs(toSend), ports.maxInFlight, (job) => send(job, 0));
  return outcomes;
}

// A batch's catalog rows (docs/adr/0033-catalog-sync.md). First the order of state: of a batch's writes for one
// entity only the newest (by `as_of`) goes on, and it goes only if the relay has written nothing newer for that
// entity (stale-state.ts); the others are skipped as stale, never dead-lettered. Then Klaviyo's bulk jobs, each
// read back (catalog-jobs.ts):
//   - an upsert goes in an update job; a row Klaviyo answers as not found goes in a create job; a create that
//     Klaviyo answers as already existing (another write beat it) is retried, and the retry's update finds it;
//   - a delete goes in a delete job; a row already gone counts as deleted;
//   - every other refused row is dead-lettered with Klaviyo's error and the row (catalog-verdicts.ts).
// Upserts go category → item → variant (an item names its categories, a variant its item), deletes the other
// way; the two run side by side, and beside the batch's other lanes.
import type { Logger } from '../shared/logger.ts';
import type { CatalogEntity } from '../shared/stage/contracts.ts';
import { RetryableError } from '../shared/stage/errors.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import { runCatalogJobs, type CatalogJobPorts, type CatalogVerdict } from './catalog-jobs.ts';
import type { CatalogItem } from './catalog-plan.ts';
import { catalogWriteState } from './catalog-state.ts';
import { isAlreadyThere, isNotFound, refusedRow, summaryOf } from './catalog-verdicts.ts';
import { DONE } from './deliver-outcome.ts';
import { newestInBatch } from './newest-in-batch.ts';
import { runLimited } from './run-limited.ts';
import type { LeaseLedger } from './state-lease-ends.ts';
import { leaseOwnerOf } from './state-leases.ts';
import { staleStateWrite } from './stale-state.ts';
import type { StateVersions } from './state-versions.ts';

/** Upserts go category → item → variant (an item names its categories, a variant its item); deletes the other way. */
export const CATALOG_UPSERT_ORDER: readonly CatalogEntity[] = ['category', 'item', 'variant'];
export const CATALOG_DELETE_ORDER: readonly CatalogEntity[] = [...CATALOG_UPSERT_ORDER].reverse();

/** Reason of a create that lost to another write of the same entity: the retry updates it. */
export const CATALOG_UPSERT_RACED = 'catalog_upsert_raced';

export interface CatalogPorts extends CatalogJobPorts {
  logOf: (id: string) => Logger;
  maxInFlight: number;
  /** The newest state written per entity; without it, catalog writes go as they come. */
  stateVersions?: StateVersions | undefined;
  /** Where the leases of the writes that go are noted (ADR 0032); without it, none is taken. */
  leases?: LeaseLedger | undefined;
}

type Refused = Extract<CatalogVerdict, { kind: 'refused' }>;

export async function deliverCatalog(
  items: readonly CatalogItem[],
  ports: CatalogPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const { newest, older } = newestInBatch(items, (item) => catalogWriteState(item.message));
  for (const { id, message } of older) {
    ports.counters.count('stale_state_skipped');
    ports.logOf(id).info('skipped a catalog write older than another in the same batch', {
      outcome: 'stale_state_skipped',
      as_of: message.as_of,
    });
    outcomes.set(id, DONE);
  }

  const toSend: CatalogItem[] = [];
  await runLimited(newest, ports.maxInFlight, async (item) => {
    const skipped = await staleStateWrite(
      {
        ...catalogWriteState(item.message),
        what: `catalog ${item.message.entity}`,
        // Held until the job is read back, so another instance's newer write waits for this one (ADR 0032).
        lease: { id: item.id, owner: leaseOwnerOf(item.message), ends: 'released' },
      },
      ports.logOf(item.id),
      ports,
    );
    if (skipped) outcomes.set(item.id, skipped);
    else toSend.push(item);
  });
  const order = new Map(items.map((item, i) => [item.id, i]));
  toSend.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const of = (entity: CatalogEntity, operation: 'upsert' | 'delete') =>
    toSend.filter((i) => i.message.entity === entity && i.message.operation === operation);

  const delivered = (item: CatalogItem, verdict: Extract<CatalogVerdict, { kind: 'written' }>) => {
    ports.counters.count('delivered');
    ports.logOf(item.id).info('delivered', {
      outcome: 'delivered',
      operation: verdict.path,
      job_id: verdict.jobId,
      entity: item.message.entity,
    });
    outcomes.set(item.id, DONE);
  };
  const deadLetter = (item: CatalogItem, refused: Refused, before?: Refused) => {
    const outcome = refusedRow(refused, before);
    ports.logOf(item.id).warn('catalog row refused by Klaviyo', {
      operation: refused.path,
      job_id: refused.jobId,
      detail: summaryOf(refused.error),
    });
    outcomes.set(item.id, outcome);
  };

  async function upsert(entity: CatalogEntity): Promise<void> {
    const rows = of(entity, 'upsert');
    if (rows.length === 0) return;
    const updated = await runCatalogJobs(entity, 'update', rows, ports);
    const missing = new Map<string, Refused>();
    for (const item of rows) {
      const verdict = updated.get(item.id);
      if (verdict?.kind === 'written') delivered(item, verdict);
      else if (verdict?.kind === 'outcome') outcomes.set(item.id, verdict.outcome);
      else if (verdict?.kind === 'refused' && isNotFound(verdict)) missing.set(item.id, verdict);
      else if (verdict?.kind === 'refused') deadLetter(item, verdict);
    }
    const toCreate = rows.filter((item) => missing.has(item.id));
    if (toCreate.length === 0) return;
    const created = await runCatalogJobs(entity, 'create', toCreate, ports);
    for (const item of toCreate) {
      const verdict = created.get(item.id);
      if (verdict?.kind === 'written') delivered(item, verdict);
      else if (verdict?.kind === 'outcome') outcomes.set(item.id, verdict.outcome);
      else if (verdict?.kind === 'refused' && isAlreadyThere(verdict)) {
        const error = new RetryableError(
          `catalog ${entity} ${item.message.external_id} was created by another write meanwhile: ${summaryOf(verdict.error)}`,
          CATALOG_UPSERT_RACED,
        );
        outcomes.set(item.id, { kind: 'retry', error });
      } else if (verdict?.kind === 'refused') deadLetter(item, verdict, missing.get(item.id));
    }
  }

  async function remove(entity: CatalogEntity): Promise<void> {
    const rows = of(entity, 'delete');
    if (rows.length === 0) return;
    const deleted = await runCatalogJobs(entity, 'delete', rows, ports);
    for (const item of rows) {
      const verdict = deleted.get(item.id);
      if (verdict?.kind === 'written') delivered(item, verdict);
      else if (verdict?.kind === 'outcome') outcomes.set(item.id, verdict.outcome);
      else if (verdict?.kind === 'refused' && isNotFound(verdict)) {
        ports.counters.count('delivered');
        ports.logOf(item.id).info('delivered: the catalog row was already gone', {
          outcome: 'delivered',
          operation: verdict.path,
          entity,
        });
        outcomes.set(item.id, DONE);
      } else if (verdict?.kind === 'refused') deadLetter(item, verdict);
    }
  }

  await Promise.all([
    (async () => {
      for (const entity of CATALOG_UPSERT_ORDER) await upsert(entity);
    })(),
    (async () => {
      for (const entity of CATALOG_DELETE_ORDER) await remove(entity);
    })(),
  ]);
  // Every row gets an outcome: one without a verdict (which should not happen) is retried, never dropped.
  for (const item of toSend)
    if (!outcomes.has(item.id))
      outcomes.set(item.id, {
        kind: 'retry',
        error: new RetryableError('catalog row left without a verdict', 'catalog_no_verdict'),
      });
  return outcomes;
}

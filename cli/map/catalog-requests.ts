// The catalog jobs `relay map` prints for a webhook's catalog rows: the first job deliver sends for each (an
// upsert's update job — deliver follows it with a create job for the rows Klaviyo does not have — or a delete
// job), gathered per entity in deliver's order (named once, in deliver-catalog.ts; docs/adr/0033-catalog-sync.md).
import { planCatalogJobs, type CatalogItem } from '../../functions/deliver/catalog-plan.ts';
import { CATALOG_DELETE_ORDER, CATALOG_UPSERT_ORDER } from '../../functions/deliver/deliver-catalog.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';

export function catalogRequestsFor(
  messages: readonly DeliverMessage[],
): { method: 'POST'; path: string; body: unknown }[] {
  const rows: CatalogItem[] = messages.flatMap((message, i) =>
    message.type === 'klaviyo.catalog' ? [{ id: String(i), message }] : [],
  );
  const order = [
    ...CATALOG_UPSERT_ORDER.map((entity) => [entity, 'upsert'] as const),
    ...CATALOG_DELETE_ORDER.map((entity) => [entity, 'delete'] as const),
  ];
  return order.flatMap(([entity, operation]) =>
    planCatalogJobs(
      entity,
      operation === 'upsert' ? 'update' : 'delete',
      rows.filter((r) => r.message.entity === entity && r.message.operation === operation),
    ).map((job) => ({ method: 'POST' as const, path: job.path, body: job.body })),
  );
}

// The requests `relay map` prints for a webhook's custom-object records and back-in-stock subscriptions, built by
// deliver's own request builders: records as deliver plans them (one data source a job; a record alone goes
// through Create Data Source Record, docs/adr/0034-custom-object-records.md), each subscription as its own call.
import { BACK_IN_STOCK_PATH, backInStockBody } from '../../functions/deliver/deliver-back-in-stock.ts';
import { planRecordJobs, type RecordItem } from '../../functions/deliver/record-jobs.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';

export function recordAndBackInStockRequestsFor(
  messages: readonly DeliverMessage[],
): { method: 'POST'; path: string; body: unknown }[] {
  const records: RecordItem[] = messages.flatMap((message, i) =>
    message.type === 'klaviyo.record' ? [{ id: String(i), message }] : [],
  );
  const requests: { method: 'POST'; path: string; body: unknown }[] = planRecordJobs(records).jobs.map(
    (job) => ({ method: 'POST', path: job.path, body: job.body }),
  );
  for (const message of messages)
    if (message.type === 'klaviyo.back-in-stock')
      requests.push({ method: 'POST', path: BACK_IN_STOCK_PATH, body: backInStockBody(message) });
  return requests;
}

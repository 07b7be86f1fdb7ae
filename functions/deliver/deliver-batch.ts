// The deliver use case for one SQS batch: profile upserts go through profile import one by one; events go
// through Bulk Create Events when the batch holds at least `bulk_threshold` of them, else through Create Event
// one by one. Every call is paced (rate-pacer.ts); each message gets its own outcome.
import type { KlaviyoSettings } from '../shared/config-schema.ts';
import type { DeliverMessage, KlaviyoEvent } from '../shared/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import type { ParsedRecord, RecordOutcome } from '../shared/sqs-stage.ts';
import { deliverBulk } from './deliver-bulk.ts';
import { deliverOne } from './deliver-event.ts';
import type { DeliverCounters } from './deliver-outcome.ts';
import type { KlaviyoClient } from './klaviyo-client.ts';
import { runLimited } from './run-limited.ts';

export interface DeliverBatchPorts {
  klaviyo: KlaviyoClient;
  settings: KlaviyoSettings;
  counters: DeliverCounters;
  log: Logger;
  /** Local time (ms) after which no request may start. */
  deadline: number;
}

export async function deliverBatch(
  records: readonly ParsedRecord<DeliverMessage>[],
  ports: DeliverBatchPorts,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const logs = new Map(records.map((r) => [r.id, r.log]));
  const logOf = (id: string) => logs.get(id) ?? ports.log;
  const events: { id: string; event: KlaviyoEvent }[] = [];
  const singles: ParsedRecord<DeliverMessage>[] = [];
  for (const record of records) {
    if (record.message.type === 'klaviyo.event') events.push({ id: record.id, event: record.message });
    else singles.push(record);
  }
  const useBulk = events.length >= ports.settings.bulk_threshold;
  if (!useBulk) singles.push(...records.filter((r) => r.message.type === 'klaviyo.event'));

  const sendPorts = { klaviyo: ports.klaviyo, counters: ports.counters, deadline: ports.deadline };
  await Promise.all([
    useBulk
      ? deliverBulk(events, {
          ...sendPorts,
          log: ports.log,
          logOf,
          maxInFlight: ports.settings.max_in_flight,
        }).then((bulk) => bulk.forEach((outcome, id) => outcomes.set(id, outcome)))
      : undefined,
    runLimited(singles, ports.settings.max_in_flight, async (record) => {
      outcomes.set(record.id, await deliverOne(record.message, record.log, sendPorts));
    }),
  ]);
  return outcomes;
}

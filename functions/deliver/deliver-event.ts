// One message, one Klaviyo call: Create Event for an event, profile import for a profile upsert. The event's
// deterministic unique_id makes a redelivered message harmless (Klaviyo keeps the first event with that id),
// and an upsert of the same values changes nothing.
import type { KlaviyoEvent, KlaviyoProfileUpsertV1 } from '../shared/stage/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import type { RecordOutcome } from '../shared/stage/stage-options.ts';
import type { KlaviyoClient } from './klaviyo-client.ts';
import { DONE, outcomeOfError, type DeliverCounters } from './deliver-outcome.ts';
import { KLAVIYO_PATHS, createEventBody, profileImportBody } from './klaviyo-requests.ts';

export interface SendPorts {
  klaviyo: KlaviyoClient;
  counters: DeliverCounters;
  /** Local time (ms) after which no request may start, so the invocation ends before its timeout. */
  deadline: number;
}

/** Consent is not sent one by one: it goes in jobs (deliver-consent.ts). */
export async function deliverOne(
  message: KlaviyoEvent | KlaviyoProfileUpsertV1,
  log: Logger,
  ports: SendPorts,
): Promise<RecordOutcome> {
  const [path, body] =
    message.type === 'klaviyo.event'
      ? [KLAVIYO_PATHS.createEvent, createEventBody(message)]
      : [KLAVIYO_PATHS.profileImport, profileImportBody(message)];
  try {
    await ports.klaviyo.post(path, body, { deadline: ports.deadline });
  } catch (error) {
    return outcomeOfError(error, ports.counters);
  }
  ports.counters.count('delivered');
  log.info('delivered', {
    outcome: 'delivered',
    operation: path,
    ...(message.type === 'klaviyo.event' ? { metric: message.metric, unique_id: message.unique_id } : {}),
  });
  return DONE;
}

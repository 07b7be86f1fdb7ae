// The deliver use case: one Klaviyo event becomes one Create Event call. The event's deterministic
// unique_id makes a redelivered message harmless: Klaviyo keeps the first event with that id.
import type { DeliverMessage } from '../shared/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import type { KlaviyoClient } from './klaviyo-client.ts';
import { createEventBody } from './klaviyo-requests.ts';

export interface DeliverPorts {
  klaviyo: KlaviyoClient;
  log: Logger;
  now: () => number;
}

export async function deliverMessage(
  message: DeliverMessage,
  ports: DeliverPorts,
): Promise<{ latencyMs: number }> {
  const started = ports.now();
  await ports.klaviyo.post('/api/events', createEventBody(message));
  const latencyMs = ports.now() - started;
  ports.log.info('delivered', {
    outcome: 'delivered',
    metric: message.metric,
    unique_id: message.unique_id,
    latency_ms: latencyMs,
  });
  return { latencyMs };
}

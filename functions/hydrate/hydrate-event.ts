// The hydrate use case: run the source's hydration steps in order (each may use what the previous ones
// fetched), map the result to a Klaviyo event, and pass it on to deliver.
import type { RelayConfig } from '../shared/config.ts';
import type { WebhookReceivedV1 } from '../shared/contracts.ts';
import { PermanentError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { MessageQueue } from '../shared/sqs-queue.ts';
import { isRelayMadeEvent } from './loop-guard.ts';
import { mapToKlaviyoMessages, type MappingContext } from './map-to-klaviyo.ts';
import type { ResponseCache } from './hydration/response-cache.ts';
import { runHydrationSteps, type StepRunnerPorts } from './hydration/step-runner.ts';
import { reportSkipped } from './mapping/report-skipped.ts';
import { DeliverOutbox } from './send-to-deliver.ts';
import type { SourceApiDeps } from './source-api.ts';
import type { SourcePacers } from './source-pacer.ts';
import type { WebhookBudget } from './webhook-budget.ts';

/** The source API ports (fetch, secrets, clock, response cap) and what hydrate itself needs. */
export interface HydratePorts extends Omit<SourceApiDeps, 'pacer'> {
  config: RelayConfig;
  /** The instance's pacers, one per source API (source-pacer.ts); without them, requests go unpaced. */
  pacers?: SourcePacers;
  /** The instance's cache of source API answers (hydration/response-cache.ts); without it, none is kept. */
  cache?: ResponseCache;
  /** A fetch per hydration step, when it differs from `fetch` (step-runner.ts). */
  fetchFor?: StepRunnerPorts['fetchFor'] | undefined;
  deliverQueue: MessageQueue;
  log: Logger;
  /** Adds to a count metric (filter skips); optional so tests and tools need not count. */
  count?: (name: string, value?: number) => void;
  /** What this webhook may fetch and emit (webhook-budget.ts); without it, nothing is counted. */
  budget?: WebhookBudget | undefined;
}

export async function hydrateEvent(message: WebhookReceivedV1, ports: HydratePorts): Promise<void> {
  const { budget } = ports;
  const source = Object.hasOwn(ports.config.sources, message.source)
    ? ports.config.sources[message.source]
    : undefined;
  if (!source)
    throw new PermanentError(`source "${message.source}" is no longer configured`, 'unknown_source');

  if (isRelayMadeEvent(message)) {
    ports.log.info('dropped an event the relay wrote itself', { outcome: 'loop_guarded' });
    return;
  }

  const context: MappingContext = { event: message.payload, meta: message.meta };
  if (source.hydration) {
    await runHydrationSteps(message.source, source.hydration, context, {
      ...ports,
      notice: (text, detail) => ports.log.warn(text, detail),
    });
  }

  // Each message is encoded (and charged to the webhook's budget) as it is made: none is held as an object.
  const outbox = new DeliverOutbox(budget);
  const { skipped, droppedProperties } = await mapToKlaviyoMessages(message, source, context, (made) =>
    outbox.add(made),
  );
  reportSkipped(skipped, ports);
  if (droppedProperties.length > 0) {
    ports.log.warn('properties over Klaviyo limit were dropped', { dropped: droppedProperties.slice(0, 50) });
  }
  // Past the invocation's deadline the stage has already reported this record for a retry: send nothing more.
  ports.signal?.throwIfAborted();
  const { types, event } = outbox.summary;
  await outbox.sendTo(ports.deliverQueue);
  ports.log.info('hydrated', {
    outcome: types.length === 0 ? 'skipped' : 'hydrated',
    messages: types,
    ...(event ? { metric: event.metric, properties: event.properties } : {}),
  });
}

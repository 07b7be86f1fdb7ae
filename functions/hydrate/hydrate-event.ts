// The hydrate use case: run the source's hydration steps in order (each may use what the previous ones
// fetched), map the result to a Klaviyo event, and pass it on to deliver.
import type { RelayConfig } from '../shared/config.ts';
import type { KlaviyoEvent, WebhookReceivedV1 } from '../shared/contracts.ts';
import { PermanentError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { MessageQueue } from '../shared/sqs-queue.ts';
import { isRelayMadeEvent } from './loop-guard.ts';
import { mapToKlaviyoMessages, type MappingContext } from './map-to-klaviyo.ts';
import type { ResponseCache } from './hydration/response-cache.ts';
import { runHydrationSteps, type StepRunnerPorts } from './hydration/step-runner.ts';
import { reportSkipped } from './mapping/report-skipped.ts';
import { sendToDeliver } from './send-to-deliver.ts';
import type { SourceApiDeps } from './source-api.ts';
import type { SourcePacers } from './source-pacer.ts';

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
}

/**
 * How a replayed copy is to be handled, or undefined for a webhook as received. A copy that carries `backfill`
 * alone was sent by an older `relay replay` (before `replay` was set): its profile writes are left out too.
 */
export function replayOf(message: WebhookReceivedV1): { profiles: boolean } | undefined {
  return message.replay ?? (message.backfill === true ? { profiles: false } : undefined);
}

export async function hydrateEvent(message: WebhookReceivedV1, ports: HydratePorts): Promise<void> {
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

  const mapped = await mapToKlaviyoMessages(message, source, context);
  const { skipped, droppedProperties } = mapped;
  // A replay re-feeds events; it writes profiles only when asked (`relay replay --with-profiles`), so an old
  // webhook does not put old state back (and deliver still skips a write older than one the relay made since).
  const replay = replayOf(message);
  const messages =
    replay && !replay.profiles
      ? mapped.messages.filter((m) => m.type !== 'klaviyo.profile-upsert')
      : mapped.messages;
  if (messages.length < mapped.messages.length) {
    ports.log.info('left out the profile write of a replayed webhook', { outcome: 'replay_state_skipped' });
    ports.count?.('replay_state_skipped', mapped.messages.length - messages.length);
  }
  reportSkipped(skipped, ports);
  if (droppedProperties.length > 0) {
    ports.log.warn('properties over Klaviyo limit were dropped', { dropped: droppedProperties.slice(0, 50) });
  }
  // Past the invocation's deadline the stage has already reported this record for a retry: send nothing more.
  ports.signal?.throwIfAborted();
  await sendToDeliver(messages, ports.deliverQueue);
  const event = messages.find((m): m is KlaviyoEvent => m.type === 'klaviyo.event');
  ports.log.info('hydrated', {
    outcome: messages.length === 0 ? 'skipped' : 'hydrated',
    messages: messages.map((m) => m.type),
    ...(event ? { metric: event.metric, properties: Object.keys(event.properties).length } : {}),
  });
}

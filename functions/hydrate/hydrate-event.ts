// The hydrate use case: run the source's hydration steps in order (each may use what the previous ones
// fetched), map the result to a Klaviyo event, and pass it on to deliver.
import type { RelayConfig, SourceRefusals } from '../shared/config/relay-config.ts';
import type { WebhookReceivedV1 } from '../shared/stage/contracts.ts';
import { DeferredError, PermanentError } from '../shared/stage/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { isRelayMadeEvent } from './loop-guard.ts';
import { mapToKlaviyoMessages, type MappingContext } from './map-to-klaviyo.ts';
import type { ResponseCache } from './hydration/response-cache.ts';
import { runHydrationSteps, type StepRunnerPorts } from './hydration/step-runner.ts';
import type { MappingLane } from './mapping-lane.ts';
import { reportSkipped } from './mapping/report-skipped.ts';
import { isStateWrite } from './replay-state.ts';
import { DeliverOutbox, type DeliverQueues } from './send-to-deliver.ts';
import type { SourceApiDeps } from './source-api.ts';
import type { SourcePacers } from './source-pacer.ts';
import type { WebhookBudget } from './webhook-budget.ts';

/** The source API ports (fetch, secrets, clock, response cap) and what hydrate itself needs. */
export interface HydratePorts extends Omit<SourceApiDeps, 'pacer'> {
  /** The document as served: sources whose part was refused are left out and listed (refused_sources). */
  config: RelayConfig & SourceRefusals;
  /** The instance's pacers, one per source API (source-pacer.ts); without them, requests go unpaced. */
  pacers?: SourcePacers;
  /** The instance's cache of source API answers (hydration/response-cache.ts); without it, none is kept. */
  cache?: ResponseCache;
  /** A fetch per hydration step, when it differs from `fetch` (step-runner.ts). */
  fetchFor?: StepRunnerPorts['fetchFor'] | undefined;
  /** Deliver's queue, or each family's (send-to-deliver.ts). */
  deliverQueue: DeliverQueues;
  log: Logger;
  /** Adds to a count metric (filter skips); optional so tests and tools need not count. */
  count?: (name: string, value?: number) => void;
  /** The instance's mapping lane (mapping-lane.ts): mappings one at a time; without it, each runs at once. */
  mappingLane?: MappingLane;
  /** What this webhook may fetch and emit (webhook-budget.ts); without it, nothing is counted. */
  budget?: WebhookBudget | undefined;
}

/** The reason of a record whose source's part of the document is refused: it waits, deferred, until fixed. */
export const SOURCE_CONFIG_INVALID = 'source_config_invalid';
/**
 * How long such a record waits before it is tried again: the loader's reread interval, so that a fixed document
 * is seen on the next try, while a backlog costs one SendMessage per record every 5 minutes.
 */
export const SOURCE_CONFIG_RETRY_SECONDS = 300;

/**
 * How a replayed copy is to be handled, or undefined for a webhook as received. A copy that carries `backfill`
 * alone was sent by an older `relay replay` (before `replay` was set): its profile writes are left out too.
 */
export function replayOf(message: WebhookReceivedV1): { profiles: boolean } | undefined {
  return message.replay ?? (message.backfill === true ? { profiles: false } : undefined);
}

export async function hydrateEvent(message: WebhookReceivedV1, ports: HydratePorts): Promise<void> {
  const refused = ports.config.refused_sources;
  if (refused && Object.hasOwn(refused, message.source)) {
    // Not a failure of this webhook: it waits (never dead-lettered) until the document is fixed.
    ports.count?.('source_config_waiting');
    throw new DeferredError(
      `the configuration of source "${message.source}" is invalid; the webhook waits until it is fixed`,
      SOURCE_CONFIG_INVALID,
      SOURCE_CONFIG_RETRY_SECONDS,
    );
  }
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

  // A replay re-feeds events; it writes state (profiles, consent) only when asked (`relay replay --with-profiles`),
  // so an old webhook does not put old state back (and deliver still skips a write older than one made since).
  const replay = replayOf(message);
  const leaveOutProfiles = replay !== undefined && !replay.profiles;
  let profilesLeftOut = 0;
  // Each message is encoded (and charged to the webhook's budget) as it is made: none is held as an object.
  const outbox = new DeliverOutbox(budget);
  const map = () =>
    mapToKlaviyoMessages(
      message,
      source,
      context,
      (made) => {
        if (leaveOutProfiles && isStateWrite(made)) profilesLeftOut += 1;
        else outbox.add(made);
      },
      ports.config.klaviyo.lists,
    );
  const { skipped, droppedProperties, timeFallbacks } = ports.mappingLane
    ? await ports.mappingLane(map, ports.signal)
    : await map();
  if (profilesLeftOut > 0) {
    ports.log.info('left out the state writes (profile, consent) of a replayed webhook', {
      outcome: 'replay_state_skipped',
    });
    ports.count?.('replay_state_skipped', profilesLeftOut);
  }
  reportSkipped(skipped, ports);
  if (droppedProperties.length > 0) {
    ports.log.warn('properties over Klaviyo limit were dropped', { dropped: droppedProperties.slice(0, 50) });
  }
  if (timeFallbacks.length > 0) {
    ports.log.warn('mapped time unreadable; the received time is used', {
      times: timeFallbacks.slice(0, 20),
    });
    ports.count?.('time_fallback', timeFallbacks.length);
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

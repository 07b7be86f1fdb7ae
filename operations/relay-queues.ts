// A relay's queues, first-class: each queue key of the stack's `queue_urls`/`dlq_urls` (`hydrate`, `deliver`, and a
// deliver queue per Klaviyo write family, `deliver-consent`, …: docs/adr/0035) with the stage that consumes it and its
// queue and DLQ URLs. Whatever keys the stack holds: an older stack with only hydrate and deliver has two queues, one
// that leaves a family out has no queue for it. Commands name queues by stage (all its queues) or by key.
import { required, type RelayStack, type Stage, STAGES } from './relay-stack.ts';

/** What naming a relay's queues takes: its URL maps. */
type QueueMaps = Pick<RelayStack, 'queueUrls' | 'dlqUrls'>;

export interface RelayQueue {
  /** The queue key: `hydrate`, `deliver` (the events family's queue) or `deliver-<family>`. */
  key: string;
  stage: Stage;
  url: string | undefined;
  dlqUrl: string | undefined;
}

/** The stage a queue key belongs to: its own name, or the stage before `-<family>`; undefined for other keys. */
export function stageOfQueueKey(key: string): Stage | undefined {
  return STAGES.find((stage) => key === stage || key.startsWith(`${stage}-`));
}

/**
 * Every queue the stack names, the stage's first queue (its own key) first, then the others in the order the stack
 * gives them (Terraform's outputs sort the keys). Keys of no stage (another map's `ingest`) are not queues.
 */
export function relayQueues(stack: QueueMaps): RelayQueue[] {
  const keys = [...new Set([...Object.keys(stack.queueUrls), ...Object.keys(stack.dlqUrls)])];
  return STAGES.flatMap((stage) =>
    keys
      .filter((key) => stageOfQueueKey(key) === stage)
      .sort((a, b) => Number(b === stage) - Number(a === stage))
      .map((key) => ({ key, stage, url: stack.queueUrls[key], dlqUrl: stack.dlqUrls[key] })),
  );
}

/** A stage's queues; a stage the stack names none of still has its own key's (whose URLs a command then asks for). */
export function queuesOfStage(stack: QueueMaps, stage: Stage): RelayQueue[] {
  const queues = relayQueues(stack).filter((queue) => queue.stage === stage);
  return queues.length > 0 ? queues : [{ key: stage, stage, url: undefined, dlqUrl: undefined }];
}

/** The alias of the events family's queue, whose key `deliver` is also the stage's name. */
const EVENTS_QUEUE_ALIAS = 'deliver-events';

/**
 * The queues a command's argument names: a stage (every queue of it) or a queue key (`deliver-consent`;
 * `deliver-events` for the events queue alone, since `deliver` names the stage).
 */
export function queuesNamed(stack: QueueMaps, name: string): RelayQueue[] {
  if ((STAGES as readonly string[]).includes(name)) return queuesOfStage(stack, name as Stage);
  const key = name === EVENTS_QUEUE_ALIAS ? 'deliver' : name;
  const queue = relayQueues(stack).find((q) => q.key === key);
  if (queue) return [queue];
  const others = relayQueues(stack)
    .map((q) => (q.key === q.stage ? undefined : q.key))
    .filter((k): k is string => k !== undefined);
  const keys = others.length > 0 ? `, or a queue of the stack (${others.join(', ')})` : '';
  throw new Error(`"${name}" is not a stage: use hydrate or deliver${keys}`);
}

/** The flag that gives a queue's URL, for the message of a stack that does not name it. */
export function urlFlagOf(queue: RelayQueue, kind: 'queue' | 'dlq'): string {
  return queue.key === queue.stage ? `--${queue.key}-${kind}-url` : `--${kind}-url ${queue.key}=<url>`;
}

/** A queue's own URL, or an error that says how to give it. */
export const queueUrlOf = (stack: RelayStack, queue: RelayQueue): string =>
  required(queue.url, `the ${queue.key} queue`, urlFlagOf(queue, 'queue'), stack);

/** A queue's DLQ URL, or an error that says how to give it. */
export const dlqUrlOf = (stack: RelayStack, queue: RelayQueue): string =>
  required(queue.dlqUrl, `the ${queue.key} DLQ`, urlFlagOf(queue, 'dlq'), stack);

// Where each deliver family's queue (and, for deliver, its DLQ) is, from the functions' environment
// (docs/runtime-contract.md): DELIVER_QUEUE_URL / DELIVER_DLQ_URL name the events pair, as before the family queues,
// and DELIVER_QUEUE_URLS / DELIVER_DLQ_URLS (JSON objects, family key → URL) the others. A family left out of the map
// uses the events pair, so a stack without that family's queue, or a deploy in progress, loses nothing. A map that
// is not what it should be stops the function at cold start with the reason, before it takes any message.
import { ConfigError } from '../config/document-validation.ts';
import { requireEnv } from '../config/loader.ts';
import { isPlainObject } from '../json/is-plain-object.ts';
import {
  DEFAULT_DELIVER_FAMILY,
  DELIVER_FAMILY_KEYS,
  isDeliverFamily,
  type DeliverFamily,
} from './deliver-families.ts';

export type DeliverFamilyUrls = Readonly<Record<DeliverFamily, string>>;

function requireUrl(variable: string, key: string, value: unknown): string {
  if (typeof value === 'string' && URL.canParse(value)) {
    const { protocol } = new URL(value);
    if (protocol === 'https:' || protocol === 'http:') return value;
  }
  throw new ConfigError(
    `environment variable ${variable}: the URL of ${key} is not an http(s) URL: ${JSON.stringify(value)}`,
  );
}

/** The optional map of `variable`: family key → URL, checked; {} when unset. */
function familyMapOf(env: NodeJS.ProcessEnv, variable: string): Partial<Record<DeliverFamily, string>> {
  const text = env[variable];
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(
      `environment variable ${variable} is not JSON (a JSON object of family key → queue URL)`,
    );
  }
  if (!isPlainObject(parsed))
    throw new ConfigError(`environment variable ${variable} must be a JSON object of family key → queue URL`);
  const map: Partial<Record<DeliverFamily, string>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!isDeliverFamily(key))
      throw new ConfigError(
        `environment variable ${variable} names an unknown deliver family ${JSON.stringify(key)} (known: ${DELIVER_FAMILY_KEYS.join(', ')})`,
      );
    map[key] = requireUrl(variable, key, value);
  }
  return map;
}

/**
 * Every family's URL: the map's (`mapVariable`), else the events URL (`eventsVariable`). The map may name `events`
 * only with the events URL itself, so the two cannot disagree about where events go.
 */
export function deliverFamilyUrlsFromEnv(
  env: NodeJS.ProcessEnv,
  eventsVariable: 'DELIVER_QUEUE_URL' | 'DELIVER_DLQ_URL',
  mapVariable: 'DELIVER_QUEUE_URLS' | 'DELIVER_DLQ_URLS',
): DeliverFamilyUrls {
  const events = requireUrl(eventsVariable, DEFAULT_DELIVER_FAMILY, requireEnv(env, eventsVariable));
  const map = familyMapOf(env, mapVariable);
  if (map.events !== undefined && map.events !== events)
    throw new ConfigError(
      `environment variable ${mapVariable} names events at another URL than ${eventsVariable}`,
    );
  return Object.fromEntries(DELIVER_FAMILY_KEYS.map((family) => [family, map[family] ?? events])) as Record<
    DeliverFamily,
    string
  >;
}

/** What `make` builds for each family's URL, built once per URL (families without a queue share the events one). */
export function onePerUrl<Q>(urls: DeliverFamilyUrls, make: (url: string) => Q): Record<DeliverFamily, Q> {
  const built = new Map<string, Q>();
  const of = (url: string) => {
    const existing = built.get(url);
    if (existing !== undefined) return existing;
    const made = make(url);
    built.set(url, made);
    return made;
  };
  return Object.fromEntries(DELIVER_FAMILY_KEYS.map((family) => [family, of(urls[family])])) as Record<
    DeliverFamily,
    Q
  >;
}

/** A deliver queue and its DLQ. */
export interface DeliverQueuePair {
  queueUrl: string;
  dlqUrl: string;
}

/** The queue name a URL ends with (SQS: `https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function queueNameOfUrl(url: string): string {
  return new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
}

/** The queue name an SQS ARN ends with (`arn:aws:sqs:<region>:<account>:<name>`). */
export function queueNameOfArn(arn: string): string {
  return arn.split(':').at(-1) ?? '';
}

/**
 * Deliver's queue pairs, each family's queue with its own DLQ, and the pair a received record belongs to: the one
 * whose queue name is its eventSourceARN's, else the events pair. A family whose queue is given without its DLQ
 * (or the other way round) is refused: its dead letters would land beside another family's.
 */
export function deliverQueuePairsFromEnv(env: NodeJS.ProcessEnv) {
  const queues = deliverFamilyUrlsFromEnv(env, 'DELIVER_QUEUE_URL', 'DELIVER_QUEUE_URLS');
  const dlqs = deliverFamilyUrlsFromEnv(env, 'DELIVER_DLQ_URL', 'DELIVER_DLQ_URLS');
  const byName = new Map<string, DeliverQueuePair>();
  for (const family of DELIVER_FAMILY_KEYS) {
    const ownQueue = queues[family] !== queues.events;
    const ownDlq = dlqs[family] !== dlqs.events;
    if (family !== DEFAULT_DELIVER_FAMILY && ownQueue !== ownDlq)
      throw new ConfigError(
        `deliver family ${family} has ${ownQueue ? 'a queue in DELIVER_QUEUE_URLS but no DLQ in DELIVER_DLQ_URLS' : 'a DLQ in DELIVER_DLQ_URLS but no queue in DELIVER_QUEUE_URLS'}`,
      );
    byName.set(queueNameOfUrl(queues[family]), { queueUrl: queues[family], dlqUrl: dlqs[family] });
  }
  const events: DeliverQueuePair = { queueUrl: queues.events, dlqUrl: dlqs.events };
  return {
    events,
    /** The pair of the queue a record came from (its eventSourceARN); unknown or absent → the events pair. */
    pairOfArn: (arn: string | undefined): DeliverQueuePair =>
      (arn === undefined ? undefined : byName.get(queueNameOfArn(arn))) ?? events,
  };
}

// A message kind deliver does not know yet: during a deploy, hydrate (or a CLI) may be newer than deliver and send
// a `klaviyo.*` type or version that this deliver has no schema for. Such a message is not invalid, only early: it
// is deferred (re-sent with a delay) until a deliver that knows it reads it, rather than dead-lettered as a
// contract violation. Each deferral counts as a failed attempt (CountedDeferral), so a kind that no deployed
// deliver will ever know still ends in the DLQ, after maxReceiveCount deferrals, with this reason as its last error.
// A known type and version whose body is invalid remains a contract violation.
import { isPlainObject } from '../shared/json/is-plain-object.ts';
import { CountedDeferral, type DeferredError } from '../shared/stage/errors.ts';

/** The `type` and `version` pairs of deliverMessageSchema (functions/shared/stage/contracts.ts). */
export const KNOWN_KINDS: ReadonlySet<string> = new Set([
  'klaviyo.event@1',
  'klaviyo.event@2',
  'klaviyo.profile-upsert@1',
  'klaviyo.consent@1',
  'klaviyo.catalog@1',
  'klaviyo.record@1',
  'klaviyo.back-in-stock@1',
]);

/** Long enough for a deploy to finish, well within SQS's 15-minute delay. */
export const UNKNOWN_KIND_DELAY_SECONDS = 300;

/** A CountedDeferral for a `klaviyo.*` message of a type or version deliver does not know; else undefined. */
export function deferUnknownKind(value: unknown): DeferredError | undefined {
  if (!isPlainObject(value) || typeof value.type !== 'string' || !value.type.startsWith('klaviyo.'))
    return undefined;
  const version = typeof value.version === 'number' ? value.version : undefined;
  if (KNOWN_KINDS.has(`${value.type}@${String(version)}`)) return undefined;
  return new CountedDeferral(
    `deliver does not know ${value.type} version ${String(version)} yet (a newer producer during a deploy?)`,
    'unknown_message_kind',
    UNKNOWN_KIND_DELAY_SECONDS,
  );
}

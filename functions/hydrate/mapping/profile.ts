// Who the events are about (identifiers), and the profile upsert that `profile_attributes` describes, versioned
// by `profile.as_of` and, when set, `profile.sequence` (./state-version.ts).
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import {
  klaviyoProfileUpsertV1Schema,
  type KlaviyoProfileUpsertV1,
  type ProfileIdentifiers,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue, type ValueSpec } from '../../shared/config/expression.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import type { TimeFallback } from './build-event.ts';
import type { SkippedEvent } from './plan-events.ts';
import { stateSequence, stateVersion } from './state-version.ts';
import { firstIdentifier } from './values.ts';

/** Where Klaviyo's system webhooks (a Get Event document) name the profile: Klaviyo's own profile id. */
export const KLAVIYO_PROFILE_ID_PATH = 'event.data.relationships.profile.data.id';

/** The sender kinds that are Klaviyo itself, whose profile ids are Klaviyo's. */
const KLAVIYO_KINDS: ReadonlySet<SourceConfig['kind']> = new Set(['klaviyo', 'klaviyo-flow']);

/**
 * Where the source's profile id is read: as configured, else Klaviyo's path for a sender that is Klaviyo, else
 * nowhere (another app's JSON:API webhook names its own user under that path, not a Klaviyo profile).
 */
export function profileIdSpecsOf(source: SourceConfig): readonly ValueSpec[] {
  return source.mapping.profile.id ?? (KLAVIYO_KINDS.has(source.kind) ? [KLAVIYO_PROFILE_ID_PATH] : []);
}

/** The profile's identifiers from the configured paths or expressions; a permanent failure when none is there. */
export async function profileOf(
  sourceName: string,
  source: SourceConfig,
  context: MappingContext,
): Promise<ProfileIdentifiers> {
  const specs = source.mapping.profile;
  const where = `${mappingWhere(sourceName)}.profile`;
  const found = {
    id: await firstIdentifier(profileIdSpecsOf(source), context, `${where}.id`),
    email: await firstIdentifier(specs.email, context, `${where}.email`),
    phone_number: await firstIdentifier(specs.phone_number, context, `${where}.phone_number`),
    external_id: await firstIdentifier(specs.external_id, context, `${where}.external_id`),
  };
  if (!found.id && !found.email && !found.phone_number && !found.external_id) {
    throw new PermanentError(
      'no profile identifier found (looked for id, email, phone_number, external_id at the configured paths)',
      'no_profile_identifier',
      specs,
    );
  }
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined));
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/**
 * A mapped value as profile import takes it: `null` (clear), a scalar, a list of scalars (custom properties
 * only) — or undefined (leave unchanged) for a missing value or one that fits none of these.
 */
function profileValue(value: unknown, kind: 'text' | 'coordinate' | 'property') {
  if (value === null) return null;
  if (kind === 'property') {
    if (isScalar(value)) return value;
    if (Array.isArray(value) && value.every(isScalar)) return value;
    return undefined;
  }
  if (kind === 'coordinate' && (typeof value === 'number' || typeof value === 'string')) return value;
  return isScalar(value) ? String(value) : undefined;
}

/**
 * The profile upsert the mapping's `profile_attributes` describe. Only attributes whose value is present in the
 * context are included, so an attribute the webhook does not mention is left as Klaviyo has it, and one the
 * webhook sets to `null` is cleared. Undefined when its `sequence` gives no sequence number (in `out.skipped`).
 */
export async function mapProfileUpsert(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  profile: ProfileIdentifiers,
  /** Where an `as_of` that is no time is reported (the upsert then carries the received time), and a bad sequence. */
  out: { timeFallbacks: TimeFallback[]; skipped: SkippedEvent[] },
): Promise<KlaviyoProfileUpsertV1 | undefined> {
  const versionAt = `${mappingWhere(message.source)}.profile`;
  const sequence = await stateSequence(
    source.mapping.profile.sequence,
    context,
    `${versionAt}.sequence`,
    out.skipped,
  );
  if (sequence === undefined) return undefined;
  const attributes: Record<string, unknown> = {};
  const location: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  const where = `${mappingWhere(message.source)}.profile_attributes`;
  for (const [key, spec] of Object.entries(source.mapping.profile_attributes ?? {})) {
    const [group, name = ''] = key.includes('.')
      ? [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)]
      : [key];
    const kind =
      group === 'properties'
        ? 'property'
        : name === 'latitude' || name === 'longitude'
          ? 'coordinate'
          : 'text';
    const value = profileValue(await readValue(spec, context, `${where}.${key}`), kind);
    if (value === undefined) continue;
    if (group === 'location') location[name] = value;
    else if (group === 'properties') properties[name] = value;
    else attributes[group] = value;
  }
  const candidate = {
    type: 'klaviyo.profile-upsert',
    version: 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    profile,
    attributes,
    ...(Object.keys(location).length > 0 ? { location } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    // Deliver writes state only forward: a write older than one already made for the profile is skipped.
    as_of: await stateVersion(
      source.mapping.profile.as_of,
      context,
      `${versionAt}.as_of`,
      message.received_at,
      out.timeFallbacks,
    ),
    ...sequence,
  };
  const parsed = klaviyoProfileUpsertV1Schema().safeParse(candidate);
  if (!parsed.success) {
    throw new PermanentError(
      'mapped profile upsert does not match the contract',
      'mapping_invalid',
      parsed.error.issues,
    );
  }
  return parsed.data;
}

// The consent writes one webhook becomes (`mapping.subscriptions`, `mapping.unsubscriptions`): each entry whose
// event types match and whose `when` holds gives one `klaviyo.consent` message for its channel, named by the
// channel's identifier, in its list, versioned by its `as_of` (and `sequence`). What cannot be written — no
// identifier that fits the channel, a consented_at that is no time or not in the past, a sequence that is no
// non-negative integer — is skipped with the reason (logged and counted by the caller, never dead-lettered): the
// webhook's other writes go on.
import type { KlaviyoLists } from '../../shared/config/klaviyo-lists.ts';
import { resolveListId, unknownListMessage } from '../../shared/config/klaviyo-lists.ts';
import type { ConsentSpec, SourceConfig } from '../../shared/config/relay-config.ts';
import {
  klaviyoConsentV1Schema,
  type KlaviyoConsentV1,
  type ProfileIdentifiers,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue } from '../../shared/config/expression.ts';
import type { TimeFallback } from './build-event.ts';
import { channelProblem, consentIdentifiers } from './channel-identifiers.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import type { SkippedEvent } from './plan-events.ts';
import { profileIdSpecsOf } from './profile.ts';
import { stateSequence, stateVersion } from './state-version.ts';
import { firstIdentifier, isTruthy, toTime } from './values.ts';

export interface ConsentOutcome {
  skipped: SkippedEvent[];
  timeFallbacks: TimeFallback[];
}

const IDENTIFIERS = ['id', 'email', 'phone_number', 'external_id'] as const;

export async function mapConsent(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  lists: KlaviyoLists,
  out: ConsentOutcome,
  add: (made: KlaviyoConsentV1) => void,
): Promise<void> {
  const { mapping } = source;
  const kinds = [
    ['subscriptions', 'subscribed', mapping.subscriptions],
    ['unsubscriptions', 'unsubscribed', mapping.unsubscriptions],
  ] as const;
  for (const [field, consent, entries] of kinds) {
    for (const [position, entry] of (entries ?? []).entries()) {
      if (entry.event_types !== undefined && !entry.event_types.includes(message.event_type)) continue;
      const where = `${mappingWhere(message.source)}.${field}[${position}]`;
      // Not a skip: a webhook holds one consent state, and the entries for the others do not apply to it.
      if (entry.when !== undefined && !isTruthy(await readValue(entry.when, context, `${where}.when`)))
        continue;
      const made = await consentWrite(message, source, context, lists, { entry, consent, where }, out);
      if (made) add(made);
    }
  }
}

async function consentWrite(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  lists: KlaviyoLists,
  { entry, consent, where }: { entry: ConsentSpec; consent: 'subscribed' | 'unsubscribed'; where: string },
  out: ConsentOutcome,
): Promise<KlaviyoConsentV1 | undefined> {
  const profile = await identifiersOf(source, entry, context, `${where}.profile`);
  const problem = channelProblem(entry.channel, profile);
  if (problem !== undefined) {
    out.skipped.push({ where, reason: problem });
    return undefined;
  }
  let consentedAt: string | undefined;
  if ('consented_at' in entry && entry.consented_at !== undefined) {
    const mapped = await readValue(entry.consented_at, context, `${where}.consented_at`);
    consentedAt = toTime(mapped);
    const timeProblem =
      mapped !== undefined && mapped !== null && consentedAt === undefined
        ? 'consented_at is not a time'
        : consentedAt !== undefined && Date.parse(consentedAt) > Date.parse(message.received_at)
          ? `consented_at ${consentedAt} is after the webhook was received (${message.received_at}); Klaviyo takes only a past one`
          : undefined;
    if (timeProblem !== undefined) {
      out.skipped.push({ where: `${where}.consented_at`, reason: timeProblem });
      return undefined;
    }
  }
  const sequence = await stateSequence(entry.sequence, context, `${where}.sequence`, out.skipped);
  if (sequence === undefined) return undefined;
  const reference = entry.list ?? (consent === 'subscribed' ? source.mapping.list : undefined);
  const listId = reference === undefined ? undefined : resolveListId(reference, lists);
  if (reference !== undefined && listId === undefined) {
    // The document's load refuses this (list-references.ts); a caller that skipped the check learns it here.
    throw new PermanentError(`${where}.list: ${unknownListMessage(reference, lists)}`, 'list_unknown', {
      where,
    });
  }
  const candidate = {
    type: 'klaviyo.consent',
    version: 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    channel: entry.channel,
    consent,
    profile: consentIdentifiers(profile),
    ...(listId === undefined ? {} : { list_id: listId }),
    ...(consentedAt === undefined ? {} : { consented_at: consentedAt }),
    as_of: await stateVersion(entry.as_of, context, `${where}.as_of`, message.received_at, out.timeFallbacks),
    ...sequence,
  };
  const parsed = klaviyoConsentV1Schema().safeParse(candidate);
  if (!parsed.success) {
    throw new PermanentError(
      `${where}: mapped consent write does not match the contract`,
      'mapping_invalid',
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/** The entry's identifiers: each one it sets itself, else the mapping's (`mapping.profile`). */
async function identifiersOf(
  source: SourceConfig,
  entry: ConsentSpec,
  context: MappingContext,
  where: string,
): Promise<ProfileIdentifiers> {
  const found: Record<string, string> = {};
  for (const name of IDENTIFIERS) {
    const specs =
      entry.profile?.[name] ?? (name === 'id' ? profileIdSpecsOf(source) : source.mapping.profile[name]);
    const value = await firstIdentifier(specs, context, `${where}.${name}`);
    if (value !== undefined) found[name] = value;
  }
  return found;
}

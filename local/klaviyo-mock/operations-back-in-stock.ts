// What Create Back In Stock Subscription does with a valid request: beyond the schema, the checks Klaviyo makes —
// a profile named (by Klaviyo id or an identifier; an id must exist), each channel at most once, a variant id of
// the form `integrationType:::catalogId:::externalId` that the catalog holds (Klaviyo does not document its answer
// to an unknown variant: the mock answers 400 at the variant's id) — then the profile is found or created and the
// subscription recorded before the 202 (no body).
import { invalid } from './errors.ts';
import type { OperationContext, OperationResult } from './operation-context.ts';
import { profileLabel } from './store.ts';

interface Body {
  data: {
    attributes: {
      channels: string[];
      profile?: {
        data: { id?: string | null; attributes: Record<string, string | null | undefined> };
      } | null;
    };
    relationships: { variant: { data?: { id: string } } };
  };
}

const VARIANT_ID = /^[^:]+:::[^:]+:::.+$/;

export function createBackInStockSubscription(body: unknown, ctx: OperationContext): OperationResult {
  const { attributes, relationships } = (body as Body).data;
  const variantId = relationships.variant.data?.id;
  if (variantId === undefined)
    throw invalid('A back in stock subscription names its catalog variant.', '/data/relationships/variant');
  if (!VARIANT_ID.test(variantId))
    throw invalid(
      `'${variantId}' is not a catalog variant id (integrationType:::catalogId:::externalId).`,
      '/data/relationships/variant/data/id',
    );
  if (attributes.channels.length === 0 || new Set(attributes.channels).size !== attributes.channels.length)
    throw invalid('Name each channel once, and at least one.', '/data/attributes/channels');
  const profile = attributes.profile?.data;
  const id = typeof profile?.id === 'string' ? profile.id : null;
  const identifiers = Object.fromEntries(
    Object.entries(profile?.attributes ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  if (id === null && Object.keys(identifiers).length === 0)
    throw invalid(
      'A profile identifier (id, email, phone_number or external_id) is required.',
      '/data/attributes/profile',
    );
  if (id !== null && !ctx.store.hasProfile(id))
    throw invalid(`No profile with id '${id}' exists.`, '/data/attributes/profile/data/id');
  if (!ctx.store.catalog.has('variant', variantId))
    throw invalid(
      `The catalog variant '${variantId}' does not exist.`,
      '/data/relationships/variant/data/id',
    );
  const pointer = '/data/attributes/profile/data';
  const { profile: recorded } = ctx.store.upsertProfile(
    { id, attributes: identifiers },
    ctx.now,
    pointer,
    'first',
  );
  const again = ctx.store.backInStock.subscribe(recorded.id, variantId, attributes.channels, ctx.now);
  ctx.log(
    `klaviyo-mock ← back in stock ${profileLabel(recorded)} on ${variantId} (${attributes.channels.join(', ')})` +
      (again ? ', already subscribed' : ''),
  );
  return { status: 202 };
}

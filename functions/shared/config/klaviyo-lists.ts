// `klaviyo.lists`: the Klaviyo lists the relay subscribes profiles into, by a name of the configuration's own, so a
// mapping (and a preset) names `newsletter` rather than an account's list id. A mapping's `list` is such a name
// or a list id as Klaviyo writes it; a name that `klaviyo.lists` does not hold is refused when the document loads
// (./list-references.ts), not found missing at the first webhook.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';

/** A list name: lowercase, so that it can never be read as a list id (which has a capital). */
export const LIST_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
/** Klaviyo's list ids: six letters and digits (`Y6nRLr`). */
const LIST_ID_PATTERN = /^[A-Za-z0-9]{6}$/;

export const klaviyoListsSchema = memo(() =>
  z
    ._default(
      z.record(
        z.string().check(z.regex(LIST_NAME_PATTERN, 'a list name: lowercase letters, digits, - and _')),
        z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/, 'a Klaviyo list id such as Y6nRLr')),
      ),
      {},
    )
    .check(
      z.describe(
        'Klaviyo lists by a name of your own (e.g. newsletter → Y6nRLr): what mappings and presets subscribe profiles into.',
      ),
    ),
);
export type KlaviyoLists = Readonly<Record<string, string>>;

/** What a mapping's `list` takes: a name from `klaviyo.lists`, or a Klaviyo list id. */
export const listReferenceSchema = memo(() =>
  z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a list name from klaviyo.lists, or a Klaviyo list id')),
);

/**
 * Whether a reference is written as a list id rather than a name: Klaviyo's shape with a capital letter, which no
 * name has. (An id without a capital — rare — is given a name in `klaviyo.lists`.)
 */
export const isListId = (reference: string) => LIST_ID_PATTERN.test(reference) && /[A-Z]/.test(reference);

/** The list id a reference stands for, or undefined when it is a name `klaviyo.lists` does not hold. */
export function resolveListId(reference: string, lists: KlaviyoLists): string | undefined {
  if (Object.hasOwn(lists, reference)) return lists[reference];
  return isListId(reference) ? reference : undefined;
}

/** The error of a reference that names no list. */
export function unknownListMessage(reference: string, lists: KlaviyoLists): string {
  const names = Object.keys(lists);
  return `unknown list "${reference}": klaviyo.lists ${names.length === 0 ? 'names no list' : `names ${names.join(', ')}`} (a Klaviyo list id, such as Y6nRLr, is taken as it is)`;
}

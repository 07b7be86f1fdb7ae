// Every list a source's mapping names (`mapping.list`, and each subscription's and unsubscription's `list`) is a
// name of `klaviyo.lists` or a list id: checked when the document loads, so a misspelt name refuses its source
// with the names there are, instead of each consent write failing at Klaviyo.
import type * as z from '../zod.ts';
import { resolveListId, unknownListMessage, type KlaviyoLists } from './klaviyo-lists.ts';

interface ListNaming {
  list?: string | undefined;
  subscriptions?: readonly { list?: string | undefined }[] | undefined;
  unsubscriptions?: readonly { list?: string | undefined }[] | undefined;
}

/** The document's shape as far as lists go. */
interface DocumentLists {
  klaviyo: { lists: KlaviyoLists };
  sources: Readonly<Record<string, { mapping: ListNaming }>>;
}

/** Each reference to a list that `klaviyo.lists` does not hold, with its path in the document. */
export function unknownListReferences(
  document: DocumentLists,
): { path: (string | number)[]; message: string }[] {
  const { lists } = document.klaviyo;
  const problems: { path: (string | number)[]; message: string }[] = [];
  const check = (reference: string | undefined, path: (string | number)[]) => {
    if (reference !== undefined && resolveListId(reference, lists) === undefined)
      problems.push({ path, message: unknownListMessage(reference, lists) });
  };
  for (const [name, source] of Object.entries(document.sources)) {
    const at = ['sources', name, 'mapping'];
    check(source.mapping.list, [...at, 'list']);
    for (const field of ['subscriptions', 'unsubscriptions'] as const)
      source.mapping[field]?.forEach((entry, index) => check(entry.list, [...at, field, index, 'list']));
  }
  return problems;
}

/** The check as a zod refinement of the resolved document. */
export function checkListReferences(document: DocumentLists, ctx: z.core.$RefinementCtx<unknown>): void {
  for (const problem of unknownListReferences(document))
    ctx.issues.push({ code: 'custom', message: problem.message, input: undefined, path: problem.path });
}

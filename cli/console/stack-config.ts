// The configuration document of the stack the console looks at (its `config_document` output: local mode's
// document with placeholders filled, or the deployed one), as JSON, for pages that list or edit its sources.
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';
import type { RelayStack } from '../../operations/relay-stack.ts';

/** The document as written, or undefined when the stack file does not carry it (or it is not a JSON object). */
export function stackDocument(stack: RelayStack): Record<string, unknown> | undefined {
  if (stack.configDocument === undefined) return undefined;
  try {
    const document: unknown = JSON.parse(stack.configDocument);
    return isPlainObject(document) ? document : undefined;
  } catch {
    return undefined;
  }
}

/** The names of the document's sources (none when the stack has no document). */
export function stackSources(stack: RelayStack): string[] {
  const sources = stackDocument(stack)?.sources;
  return isPlainObject(sources) ? Object.keys(sources) : [];
}

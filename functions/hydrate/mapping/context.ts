// What a mapping reads: the webhook (`event`), the sender's metadata (`meta`) and each hydration step's answer
// under the step's name; in a for_each event also `item` (the element) and `index` (its position).
import type { SourceConfig } from '../../shared/config/relay-config.ts';

export interface MappingContext {
  event: unknown;
  meta: Record<string, string>;
  [step: string]: unknown;
}

/** The roots flattened into a source's event when its mapping names none: the event and every hydration step. */
export function defaultRootsOf(source: SourceConfig): string[] {
  return ['event', ...(source.hydration?.steps.map((step) => step.name) ?? [])];
}

/** `sources.<name>.mapping`: where messages point a person in the configuration. */
export const mappingWhere = (sourceName: string) => `sources.${sourceName}.mapping`;

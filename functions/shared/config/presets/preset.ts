// What a preset is: a source's hydration and mapping for one sender kind, written as the configuration document
// writes them, so a preset reads like any source and is validated by the same schema once resolved.
import type * as z from '../../zod.ts';
import type { hydrationConnectionSchema } from '../hydration-connection.ts';
import type { hydrationSchema } from '../hydration.ts';
import type { mappingSchema } from '../mapping.ts';
import type { recordSpecSchema } from '../mapping-records.ts';
import type { SourceKind } from '../source-kinds.ts';

export interface Preset {
  /** The sender kind this preset reads; a source of another kind cannot use it. */
  kind: SourceKind;
  /** A connection may leave out what `requires` asks the source for (e.g. a Zendesk account's own base URL). */
  hydration?: Omit<z.input<ReturnType<typeof hydrationSchema>>, 'connections'> & {
    connections?: Record<string, Partial<z.input<ReturnType<typeof hydrationConnectionSchema>>>>;
  };
  mapping: z.input<ReturnType<typeof mappingSchema>>;
  /**
   * Records entries a source opts in to, each by naming its id in its own `mapping.records` with the data source
   * its account holds (`{ "id": "tickets", "data_source": "01J…" }`); a source that names none writes no records.
   */
  optionalRecords?: readonly Omit<z.input<ReturnType<typeof recordSpecSchema>>, 'data_source'>[];
  /**
   * What only the source can give (an API credential): a setting at `path` in the resolved source that must be
   * set, or the configuration is refused saying what it is for, rather than each webhook failing later.
   */
  requires?: readonly PresetRequirement[];
}

export interface PresetRequirement {
  path: readonly string[];
  /** What the setting is, for the error message. */
  what: string;
  /** A value of the right shape with an environment variable reference: the error shows it; `relay map --preset` uses it. */
  example: unknown;
}

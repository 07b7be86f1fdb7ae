// Reading a configuration document, whichever shape it is parsed in: Terraform's nulls and the editor's
// `$schema` dropped, presets resolved (in full or their kind alone, by the caller's `resolve`), the schema
// applied, every problem reported with its path; and the document validated one source at a time, so a
// refused source stops only itself (docs/adr/0025-configuration-layout-and-source-isolation.md).
import type * as z from '../zod.ts';
import { isPlainObject } from '../json/is-plain-object.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Terraform's jsonencode writes `null` for optional object attributes that were not set; in this
 * document `null` means "not set", so nulls are dropped before validation.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  }
  return value;
}

/**
 * A configuration file may name its JSON Schema (`"$schema": "./relay-config.schema.json"`) so that editors
 * complete and check it; that is the editor's, not the relay's, so it is dropped before validation (and so
 * never shows in a parsed document, `relay config diff` included).
 */
export function withoutEditorSchema(value: unknown): unknown {
  if (!isPlainObject(value) || !('$schema' in value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$schema'));
}

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigValidation<T> = { success: true; data: T } | { success: false; problems: ConfigProblem[] };

/** What stands before the schema: presets resolved (in full, or their kind alone), with what stood in the way. */
export type ResolveDocument = (document: unknown) => {
  document: unknown;
  problems: { path: readonly PropertyKey[]; message: string }[];
};

/** The parsed document (nulls dropped, `resolve`, then the schema), or every problem with its path. */
export function validateWith<T>(
  raw: unknown,
  resolve: ResolveDocument,
  schema: z.ZodMiniType<T>,
): ConfigValidation<T> {
  const { document, problems } = resolve(withoutEditorSchema(dropNulls(raw)));
  const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)';
  if (problems.length > 0)
    return { success: false, problems: problems.map((p) => ({ path: pathOf(p.path), message: p.message })) };
  const result = schema.safeParse(document);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    problems: result.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
  };
}

/**
 * What a function serves besides the document: the sources whose part was refused, each with its problems. Their
 * webhooks wait (ingest answers 503, hydrate defers them) until the part is fixed; every other source is served
 * (docs/adr/0025-configuration-layout-and-source-isolation.md).
 */
export interface SourceRefusals {
  refused_sources?: Readonly<Record<string, readonly ConfigProblem[]>>;
}

/**
 * The document validated one source at a time: the rest of it (version, klaviyo, ingest) must be valid, since
 * every source depends on it; a source whose part `validate` refuses is left out and listed in
 * `refused_sources`, so that one bad part never stops the others. `validate` is a whole-document validator
 * (validateRelayConfig, validateOpaqueRelayConfig); it sees the document with one source at a time.
 */
export function validateEachSource<C extends { sources: Record<string, unknown> }>(
  raw: unknown,
  validate: (raw: unknown) => ConfigValidation<C>,
): ConfigValidation<C & SourceRefusals> {
  const document = dropNulls(raw);
  if (!isPlainObject(document) || !isPlainObject(document.sources)) return validate(document);
  const root = validate({ ...document, sources: {} });
  if (!root.success) return root;
  const sources: Record<string, unknown> = {};
  const refused: Record<string, ConfigProblem[]> = {};
  for (const [name, part] of Object.entries(document.sources)) {
    const one = validate({ ...document, sources: { [name]: part } });
    if (one.success) sources[name] = one.data.sources[name];
    else refused[name] = one.problems;
  }
  return {
    success: true,
    data: {
      ...root.data,
      sources,
      ...(Object.keys(refused).length > 0 && { refused_sources: refused }),
    },
  };
}

/** Parses the JSON text and validates it with `validate`; every problem is reported with its path. */
export function parseWith<T>(
  text: string,
  origin: string,
  validate: (raw: unknown) => ConfigValidation<T>,
): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${origin}: not valid JSON (${(error as Error).message})`);
  }
  const result = validate(raw);
  if (!result.success) {
    const problems = result.problems.map((p) => `  - ${p.path}: ${p.message}`);
    throw new ConfigError(`${origin}: invalid relay configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

// Klaviyo segments and flow filters can only use top-level, non-object properties, so nested data is
// flattened: objects become `parent_child` keys, arrays of objects become one list per field
// (`products_sku: ["A", "B"]`) plus a `_count`, and lists of scalars stay lists.
import type { FlatProperties } from '../shared/stage/contracts.ts';

type Scalar = string | number | boolean;
type Value = Scalar | Scalar[];

export const MAX_PROPERTIES = 400;
/** Klaviyo's limit is 100 KB a string; longer strings are cut rather than failing the event. */
export const MAX_STRING_BYTES = 100_000;
/** Below this depth, what is left is kept as a JSON string: hostile nesting cannot blow the stack. */
export const MAX_DEPTH = 8;

export interface FlattenResult {
  properties: FlatProperties;
  /** Keys dropped because the event would exceed Klaviyo's 400 properties. */
  dropped: string[];
}

export function clip(text: string): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings (nearly all) need no count.
  if (text.length * 3 <= MAX_STRING_BYTES || Buffer.byteLength(text) <= MAX_STRING_BYTES) return text;
  return Buffer.from(text)
    .subarray(0, MAX_STRING_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

function scalar(value: unknown): Scalar | undefined {
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/** A copy cut off below `levels`, so that stringifying it is bounded too. */
export function prune(value: unknown, levels: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (levels === 0) return '…';
  if (Array.isArray(value)) return value.map((v) => prune(v, levels - 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, prune(v, levels - 1)]),
  );
}

/**
 * Adds a value under `key`; a second value makes the key a list. Lists in `out` are made here and owned by it, so
 * they grow in place: copying a list for every element made flattening quadratic (a 1 MiB list took seconds).
 */
function add(out: Map<string, Value>, key: string, value: Scalar, inList: boolean) {
  const existing = out.get(key);
  if (existing === undefined) out.set(key, inList ? [value] : value);
  else if (Array.isArray(existing)) existing.push(value);
  else out.set(key, [existing, value]);
}

/**
 * `parent_child` for each pair, made once per flattening: every element of a list asks for the same names, and
 * handing back the same string each time spares building and hashing it again.
 */
class JoinedKeys {
  private readonly byParent = new Map<string, Map<string, string>>();
  of(parent: string, child: string): string {
    let children = this.byParent.get(parent);
    if (!children) this.byParent.set(parent, (children = new Map<string, string>()));
    let joined = children.get(child);
    if (joined === undefined) children.set(child, (joined = `${parent}_${child}`));
    return joined;
  }
}

function walk(
  value: unknown,
  path: string,
  depth: number,
  out: Map<string, Value>,
  inList: boolean,
  keys: JoinedKeys,
): void {
  if (value === null || value === undefined) return;
  // A bare scalar or list at the root (no prefix) still needs a name.
  const key = path || (typeof value === 'object' && !Array.isArray(value) ? '' : 'value');
  const s = scalar(value);
  if (s !== undefined) {
    add(out, key, s, inList);
    return;
  }
  if (typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) {
    add(out, key, clip(JSON.stringify(prune(value, MAX_DEPTH))), false);
    return;
  }
  if (Array.isArray(value)) {
    if (!inList) out.set(`${key}_count`, value.length);
    for (const item of value) walk(item, key, depth + 1, out, true, keys);
    return;
  }
  const object = value as Record<string, unknown>;
  for (const child of Object.keys(object)) {
    walk(object[child], key ? keys.of(key, child) : child, depth + 1, out, inList, keys);
  }
}

/** Flattens each root under its prefix ('' for none), in order; the first MAX_PROPERTIES keys are kept. */
export function flattenProperties(
  roots: readonly { prefix: string; value: unknown }[],
  limit = MAX_PROPERTIES,
): FlattenResult {
  const out = new Map<string, Value>();
  const keys = new JoinedKeys();
  for (const { prefix, value } of roots) walk(value, prefix, 0, out, false, keys);
  const entries = [...out.entries()];
  return {
    properties: Object.fromEntries(entries.slice(0, limit)),
    dropped: entries.slice(limit).map(([k]) => k),
  };
}

// How a source's own settings lie over its preset (docs/adr/0018-presets.md): objects merge key by key, lists
// of named things merge by name (`mapping.events`, `subscriptions` and `unsubscriptions` by `id`, `hydration.steps`
// by `name`), everything else —
// a value, an expression, a list, and the objects that only make sense whole — is replaced.
import { isPlainObject } from '../../json/is-plain-object.ts';

/** Objects that are one setting, not a set of settings: merging two of them would mix two kinds of thing. */
const REPLACED_WHOLE = new Set(['auth', 'body', 'event_type', 'delivery_id', 'paginate', 'for_each']);
/** Lists whose elements have a name: an element with a preset element's name overrides that element. */
const MERGED_BY_NAME: Record<string, string> = {
  events: 'id',
  subscriptions: 'id',
  unsubscriptions: 'id',
  catalog: 'id',
  records: 'id',
  back_in_stock: 'id',
  steps: 'name',
};

/** A value spec `{ "expr": … }` is one value, not an object to merge. */
const isValueSpec = (value: Record<string, unknown>) => Object.hasOwn(value, 'expr');

export function overlay(base: unknown, own: unknown, key?: string): unknown {
  if (own === undefined) return base;
  if (key !== undefined && Object.hasOwn(MERGED_BY_NAME, key) && Array.isArray(base) && Array.isArray(own))
    return mergeByName(base, own, MERGED_BY_NAME[key] ?? 'id');
  if (
    !isPlainObject(base) ||
    !isPlainObject(own) ||
    (key !== undefined && REPLACED_WHOLE.has(key)) ||
    isValueSpec(base) ||
    isValueSpec(own)
  )
    return own;
  const merged: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(own)) merged[name] = overlay(base[name], value, name);
  return merged;
}

function mergeByName(base: unknown[], own: unknown[], nameKey: string): unknown[] {
  const nameOf = (element: unknown) =>
    isPlainObject(element) && typeof element[nameKey] === 'string' ? element[nameKey] : undefined;
  const merged = [...base];
  for (const element of own) {
    const name = nameOf(element);
    const at = name === undefined ? -1 : merged.findIndex((b) => nameOf(b) === name);
    if (at === -1) merged.push(element);
    else merged[at] = overlay(merged[at], element);
  }
  return merged;
}

// How a profile upsert changes a profile's objects: `properties` and `location` merge key by key (`null`
// removes a key, or empties the whole object), and `meta.patch_properties` appends, unappends and unsets.
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

type Json = Record<string, unknown>;

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** Shallow merge: a value replaces, `null` removes (or, for a null `source` when `nullClearsAll`, empties). */
export function mergeInto(target: Json, source: unknown, nullClearsAll: boolean): void {
  if (source === null && nullClearsAll) {
    for (const key of Object.keys(target)) delete target[key];
    return;
  }
  if (!isPlainObject(source)) return;
  for (const [key, value] of Object.entries(source)) {
    if (value === null) delete target[key];
    else if (value !== undefined) target[key] = structuredClone(value);
  }
}

export function applyPatchProperties(properties: Json, patch: unknown): void {
  if (!isPlainObject(patch)) return;
  if (isPlainObject(patch.append))
    for (const [key, value] of Object.entries(patch.append))
      properties[key] = [...asList(properties[key]), ...asList(value)];
  if (isPlainObject(patch.unappend))
    for (const [key, value] of Object.entries(patch.unappend)) {
      const drop = new Set(asList(value).map((v) => JSON.stringify(v)));
      if (Array.isArray(properties[key]))
        properties[key] = properties[key].filter((v: unknown) => !drop.has(JSON.stringify(v)));
    }
  for (const key of asList(patch.unset)) if (typeof key === 'string') delete properties[key];
}

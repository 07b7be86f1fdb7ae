// A preset's optional records (`Preset.optionalRecords`): custom-object records need a data source that exists
// only in the account the source writes to, and not every account wants them, so a preset offers them and a
// source switches one on by naming its id in its own `mapping.records` with its data source id. The offered entry
// is then part of the preset's mapping, and the source's entry lies over it by id like any other (./merge.ts).
import { isPlainObject } from '../../json/is-plain-object.ts';
import type { Preset } from './preset.ts';

/** The record entry ids the source names in its own `mapping.records`. */
function namedRecordIds(source: Record<string, unknown>): Set<string> {
  const records = isPlainObject(source.mapping) ? source.mapping.records : undefined;
  return new Set(
    (Array.isArray(records) ? records : []).flatMap((entry: unknown) =>
      isPlainObject(entry) && typeof entry.id === 'string' ? [entry.id] : [],
    ),
  );
}

/** The preset's mapping with the optional records the source opted in to appended to its `records`. */
export function withOptedInRecords(preset: Preset, source: Record<string, unknown>): Preset['mapping'] {
  const named = namedRecordIds(source);
  const optedIn = (preset.optionalRecords ?? []).filter((entry) => named.has(entry.id));
  if (optedIn.length === 0) return preset.mapping;
  return {
    ...preset.mapping,
    records: [...(preset.mapping.records ?? []), ...optedIn] as Preset['mapping']['records'],
  };
}

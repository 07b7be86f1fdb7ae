// The one test for "a JSON object" (not null, not a list) that configuration, mapping, the CLI and local mode
// share, so that what counts as an object to merge, walk or read fields from is decided in one place.

/** A value parsed from JSON that is an object: not null, not an array. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

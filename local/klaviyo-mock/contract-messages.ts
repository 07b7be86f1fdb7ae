// How the mock words a failed schema check: ajv's errors reduced to the most specific one, located by a JSON
// pointer into the body and phrased the way Klaviyo phrases its validation errors.
import type { ErrorObject } from 'ajv';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

/** One failed check, located by a JSON pointer into the request body. */
export interface ValidationIssue {
  pointer: string;
  detail: string;
}

function child(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isPlainObject(current) ? current[key] : undefined;
  return current;
}

function pointerOf(error: ErrorObject): string {
  const base = error.instancePath;
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty?: string }).missingProperty ?? '';
    return `${base}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }
  return base;
}

const depth = (pointer: string): number => (pointer === '' ? 0 : pointer.split('/').length - 1);

const fieldName = (pointer: string): string => {
  const last = pointer.split('/').pop() ?? '';
  return last === '' ? 'data' : last.replace(/~1/g, '/').replace(/~0/g, '~');
};

const COMPOSITE = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);

/** Picks the most specific of ajv's errors and words it the way Klaviyo words validation errors. */
export function describeErrors(errors: readonly ErrorObject[], body: unknown): ValidationIssue {
  const ranked = errors.filter((e) => !COMPOSITE.has(e.keyword));
  const pool = ranked.length > 0 ? ranked : errors;
  let best = pool[0];
  for (const error of pool)
    if (best === undefined || depth(pointerOf(error)) > depth(pointerOf(best))) best = error;
  if (best === undefined) return { pointer: '/data', detail: 'The request body is invalid.' };

  const pointer = pointerOf(best);
  const field = fieldName(pointer);
  if (pointer === '' && best.keyword === 'type')
    return {
      pointer: '/data',
      detail: 'The request body must be a JSON:API document: an object with `data`.',
    };
  const shown = pointer === '' ? '/data' : pointer;
  const valueAt = (p: string): unknown =>
    p === ''
      ? body
      : child(
          body,
          ...p
            .slice(1)
            .split('/')
            .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
        );
  const limit = (best.params as { limit?: number }).limit;

  switch (best.keyword) {
    case 'required':
      return { pointer: shown, detail: `'${field}' is a required field.` };
    case 'type': {
      const types = new Set<string>();
      for (const e of pool)
        if (e.keyword === 'type' && pointerOf(e) === pointer) {
          const t = (e.params as { type: string | string[] }).type;
          for (const one of Array.isArray(t) ? t : [t]) types.add(one);
        }
      const got = valueAt(pointer);
      const gotType = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
      return {
        pointer: shown,
        detail: `'${field}' must be of type ${[...types].join(' or ')}, not ${gotType}.`,
      };
    }
    case 'enum': {
      const allowed = (best.params as { allowedValues: unknown[] }).allowedValues;
      return {
        pointer: shown,
        detail: `${JSON.stringify(valueAt(pointer))} is not a valid choice for '${field}'. Expected one of: ${allowed
          .map((v) => JSON.stringify(v))
          .join(', ')}.`,
      };
    }
    case 'format':
      return {
        pointer: shown,
        detail: `'${field}' must be a valid ${(best.params as { format: string }).format} string, got ${JSON.stringify(valueAt(pointer))}.`,
      };
    case 'maxItems':
      return {
        pointer: shown,
        detail: `'${field}' may hold at most ${limit} items (got ${(valueAt(pointer) as unknown[]).length}).`,
      };
    case 'maxProperties':
      return {
        pointer: shown,
        detail: `'${field}' may have at most ${limit} properties (got ${Object.keys(valueAt(pointer) as object).length}).`,
      };
    case 'maxLength':
      return {
        pointer: shown,
        detail: `'${field}' must be at most ${limit} characters long (got ${[...(valueAt(pointer) as string)].length}).`,
      };
    default:
      return { pointer: shown, detail: `'${field}' ${best.message ?? 'is invalid'}.` };
  }
}

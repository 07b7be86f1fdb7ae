// Reading a POST's fields (route.ts: a form's fields or parsed JSON) the same way in every page: a text field as
// a string, a checkbox as on or off, and a set of checkboxes named `<prefix><value>` (one field each, so no
// parser has to keep repeated names).
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

const fieldsOf = (body: unknown): Record<string, unknown> => (isPlainObject(body) ? body : {});

/** A text field, trimmed; undefined when absent or empty. */
export function textField(body: unknown, name: string): string | undefined {
  const value = fieldsOf(body)[name];
  if (typeof value !== 'string') return undefined;
  return value.trim() === '' ? undefined : value;
}

/** A checkbox: a form sends it only when checked; JSON may send true. */
export function checked(body: unknown, name: string): boolean {
  const value = fieldsOf(body)[name];
  return value === true || value === 'on' || value === 'true';
}

/** The values of the checked boxes named `<prefix><value>`. */
export function checkedValues(body: unknown, prefix: string): string[] {
  return Object.keys(fieldsOf(body))
    .filter((name) => name.startsWith(prefix) && checked(body, name))
    .map((name) => name.slice(prefix.length));
}

// A POST step's JSON body, filled from the step's scope: `{ "expr": "…" }` and `{ "path": "…" }` objects are
// replaced by their value, `{ "literal": … }` by its content unread, and everything else is kept as written
// (so a GraphQL query's text, braces and all, is never mistaken for a placeholder).
import { readValue } from '../../shared/config/expression.ts';

export async function renderBody(template: unknown, scope: unknown, where: string): Promise<unknown> {
  if (Array.isArray(template)) {
    const items = await Promise.all(template.map((item, i) => renderBody(item, scope, `${where}[${i}]`)));
    // JSON has no undefined: a missing value in a list is null, as JSON.stringify would write it.
    return items.map((item) => (item === undefined ? null : item));
  }
  if (template === null || typeof template !== 'object') return template;
  const entries: [string, unknown][] = Object.entries(template);
  const [only] = entries;
  if (entries.length === 1 && only) {
    const [key, value] = only;
    if (key === 'literal') return value;
    if ((key === 'expr' || key === 'path') && typeof value === 'string') {
      return readValue(key === 'expr' ? { expr: value } : value, scope, where);
    }
  }
  const rendered = await Promise.all(
    entries.map(async ([key, value]) => [key, await renderBody(value, scope, `${where}.${key}`)] as const),
  );
  // A missing value leaves its key out, as JSON.stringify would.
  return Object.fromEntries(rendered.filter(([, value]) => value !== undefined));
}

// Why a filter left a webhook (or an event) out, for the skip's log line and `relay map`: the first of its
// conditions — the parts of an expression joined by a top-level `and` — that is not true, and the values of the
// fields that condition reads (`meta.topic`), so "sources.shop.mapping.filter" comes with "meta.topic in [...]
// with meta.topic: null". Only run when a filter said no; an explanation that cannot be made is left out.
import { compileExpression, readValue, type ValueSpec } from '../../shared/config/expression.ts';
import { getPath } from '../../shared/json/path.ts';
import { isTruthy } from './values.ts';

export interface FilterExplanation {
  /** The condition that is not true, as written (shortened past 200 characters). */
  condition: string;
  /** Each field the condition reads, with its value (null when the webhook does not have it). */
  values: Record<string, unknown>;
}

const MAX_CONDITION = 200;
const MAX_VALUE = 200;

/** The parts of an expression joined by `and` outside brackets, parentheses and strings. */
export function topLevelConditions(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (
      depth === 0 &&
      text.startsWith('and', i) &&
      /\s/.test(text[i - 1] ?? '') &&
      /\s/.test(text[i + 3] ?? '')
    ) {
      parts.push(text.slice(start, i).trim());
      start = i + 3;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part !== '');
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  [key: string]: unknown;
}

/** The dot paths an expression reads from its input (`meta.topic`, `event.test`), in order, once each. */
export function pathsRead(text: string): string[] {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ast = node as AstNode;
    if (ast.type === 'path' && Array.isArray(ast.steps)) {
      const names: string[] = [];
      for (const step of ast.steps) {
        if (step.type !== 'name' || typeof step.value !== 'string') break;
        names.push(step.value);
      }
      if (names.length > 0) found.add(names.join('.'));
    } else if (ast.type === 'name' && typeof ast.value === 'string') found.add(ast.value);
    for (const [key, child] of Object.entries(ast)) if (key !== 'steps') visit(child);
    if (ast.type !== 'path') ast.steps?.forEach(visit);
  };
  visit(compileExpression(text).ast());
  return [...found];
}

const shortValue = (value: unknown): unknown => {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : value;
};

export async function explainFilter(
  filter: ValueSpec,
  context: unknown,
  where: string,
): Promise<FilterExplanation | undefined> {
  try {
    if (typeof filter === 'string')
      return { condition: filter, values: { [filter]: shortValue(getPath(context, filter)) } };
    for (const condition of topLevelConditions(filter.expr)) {
      if (isTruthy(await readValue({ expr: condition }, context, where))) continue;
      const values = Object.fromEntries(
        pathsRead(condition).map((path) => [path, shortValue(getPath(context, path))]),
      );
      const shown = condition.length > MAX_CONDITION ? `${condition.slice(0, MAX_CONDITION)}…` : condition;
      return { condition: shown, values };
    }
  } catch {
    // A part that does not stand alone (or fails alone): the skip is still reported, without the why.
  }
  return undefined;
}

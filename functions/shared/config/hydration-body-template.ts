// A POST step's JSON body template (docs/adr/0016-hydration-connections-and-steps.md): any JSON, with objects
// that stand for a value from the step's scope; each such expression is compiled at load, so a syntax error is a
// configuration error naming its place in the body. functions/hydrate/hydration/body-template.ts fills it in.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { compileExpression, ExpressionSyntaxError } from './expression.ts';
import { DOT_PATH_PATTERN, MAX_EXPRESSION_LENGTH } from './value-spec.ts';

/**
 * A JSON body template: any JSON, where an object that is exactly `{ "expr": "…" }` or `{ "path": "…" }` is
 * replaced by that value from the step's scope, and `{ "literal": … }` stands for its content as is.
 */
export const bodyTemplateSchema = memo(() =>
  z.unknown().check(
    z.superRefine((template, ctx) => {
      const problems: string[] = [];
      checkBodyTemplate(template, '', problems, 0);
      for (const message of problems) ctx.issues.push({ code: 'custom', message, input: template });
    }),
  ),
);

function checkBodyTemplate(node: unknown, at: string, problems: string[], depth: number): void {
  if (depth > 32) return void problems.push(`body${at}: nested deeper than 32 levels`);
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkBodyTemplate(item, `${at}[${i}]`, problems, depth + 1));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const entries: [string, unknown][] = Object.entries(node);
  const [only] = entries;
  if (entries.length === 1 && only) {
    const [key, value] = only;
    if (key === 'literal') return;
    if (key === 'path') {
      if (typeof value !== 'string' || !DOT_PATH_PATTERN.test(value))
        problems.push(`body${at}.path: a dot path such as event.id`);
      return;
    }
    if (key === 'expr') {
      if (typeof value !== 'string' || value === '' || value.length > MAX_EXPRESSION_LENGTH)
        return void problems.push(
          `body${at}.expr: an expression of 1 to ${MAX_EXPRESSION_LENGTH} characters`,
        );
      try {
        compileExpression(value);
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        problems.push(`body${at}.expr: ${error.message}`);
      }
      return;
    }
  }
  for (const [key, value] of entries) checkBodyTemplate(value, `${at}.${key}`, problems, depth + 1);
}

// How the configuration writes a value it reads from a webhook: a dot path, or `{ "expr": "…" }`, a JSONata
// expression compiled when the configuration loads, so a syntax error is a configuration error naming its field
// (./expression.ts runs them; docs/adr/0015-jsonata-expressions.md). Mapping and hydration take these.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { compileExpression, ExpressionSyntaxError } from './expression.ts';

/** Longest expression text the configuration accepts. */
export const MAX_EXPRESSION_LENGTH = 4_096;

export const DOT_PATH_PATTERN = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/** A dot path such as `customer.email` (segments of letters, digits, `_`, `$`, `-`; array indexes as digits). */
export const dotPathSchema = memo(() =>
  z.string().check(z.regex(DOT_PATH_PATTERN, 'a dot path such as customer.email')),
);

/** The text of a JSONata expression: not empty, bounded, and parses (checked at configuration load). */
export const expressionTextSchema = memo(() =>
  z.string().check(
    z.minLength(1),
    z.maxLength(MAX_EXPRESSION_LENGTH),
    z.superRefine((text, ctx) => {
      try {
        compileExpression(text);
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        // `continue` lets a union (dot path or expression) report this issue rather than "Invalid input".
        ctx.issues.push({ code: 'custom', message: error.message, input: text, continue: true });
      }
    }),
  ),
);

/** `{ "expr": "…" }`: a JSONata expression where the configuration takes a value. */
export const expressionSchema = memo(() => z.strictObject({ expr: expressionTextSchema() }));

/** A dot path, or `{ "expr": "…" }`. */
export const valueSpecSchema = memo(() => z.union([dotPathSchema(), expressionSchema()]));

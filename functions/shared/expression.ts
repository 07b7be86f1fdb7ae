// Values the configuration reads from a webhook: a plain dot path (`event.customer.email`, the fast path, no
// parser involved) or a JSONata expression (`{ "expr": "$sum(line_items.(price * quantity))" }`), the language
// AWS Step Functions uses for its transformations (docs/adr/0015-jsonata-expressions.md).
//
// An expression is compiled when the configuration is parsed — a syntax error is a configuration error at load,
// naming the source and the field — and kept by its text, so evaluation never parses. Evaluation runs under
// JSONata's own guardrails (time, depth, sequence length); a runaway expression is a permanent failure with a
// reason, never a hung batch. No host functions are registered: an expression has JSONata's library and nothing
// else (no I/O, no clock beyond $now/$millis).
import { createRequire } from 'node:module';
import type jsonata from 'jsonata';
import { PermanentError } from './errors.ts';
import { getPath } from './json-path.ts';
import * as z from './zod.ts';
import { memo } from './zod.ts';

/** Guardrails for one evaluation: wall time (ms), evaluation depth, and the longest sequence it may build. */
export const EXPRESSION_LIMITS = { timeoutMs: 100, maxDepth: 300, maxSequence: 100_000 } as const;
/** Longest expression text the configuration accepts. */
export const MAX_EXPRESSION_LENGTH = 4_096;

export const DOT_PATH_PATTERN = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/** A dot path such as `customer.email` (segments of letters, digits, `_`, `$`, `-`; array indexes as digits). */
export const dotPathSchema = memo(() =>
  z.string().check(z.regex(DOT_PATH_PATTERN, 'a dot path such as customer.email')),
);

/** Where a configured value comes from: a dot path, or a JSONata expression. */
export type ValueSpec = string | { expr: string };

/** JSONata's error shape: an object (not always an Error) with a code, a position and a message. */
interface JsonataFailure {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

type Jsonata = typeof jsonata;
let engine: Jsonata | undefined;

/**
 * JSONata, loaded on the first compile rather than at import: ~5 ms of every cold start otherwise, in functions
 * (ingest, deliver) whose configuration may hold no expression. esbuild turns the literal `require` into the
 * bundled module's lazy initialiser; where this file runs as ESM source (tsx), a require made for it stands in.
 */
function jsonataEngine(): Jsonata {
  return (engine ??=
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundler's lazy load (see above)
        (require('jsonata') as Jsonata)
      : (createRequire(import.meta.url)('jsonata') as Jsonata));
}

const compiled = new Map<string, jsonata.Expression>();

/** Kept compilations are dropped past this many distinct texts (configurations are reloaded, texts change). */
const MAX_KEPT_COMPILATIONS = 5_000;

/**
 * Parses an expression, or returns the one already parsed from the same text. Throws a readable
 * `ExpressionSyntaxError` (with JSONata's code and position) when the text does not parse.
 */
export function compileExpression(text: string): jsonata.Expression {
  const kept = compiled.get(text);
  if (kept) return kept;
  let expression: jsonata.Expression;
  try {
    expression = jsonataEngine()(text, {
      timeout: EXPRESSION_LIMITS.timeoutMs,
      stack: EXPRESSION_LIMITS.maxDepth,
      sequence: EXPRESSION_LIMITS.maxSequence,
    });
  } catch (error) {
    throw new ExpressionSyntaxError(text, error as JsonataFailure);
  }
  if (compiled.size >= MAX_KEPT_COMPILATIONS) compiled.clear();
  compiled.set(text, expression);
  return expression;
}

export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  readonly code: string | undefined;
  readonly position: number | undefined;
  constructor(text: string, failure: JsonataFailure) {
    const where = failure.position === undefined ? '' : ` at character ${failure.position}`;
    super(
      `JSONata syntax error${where}: ${failure.message ?? 'unreadable expression'} (in ${JSON.stringify(text.slice(0, 200))})`,
    );
    this.code = failure.code;
    this.position = failure.position;
  }
}

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

// JSONata codes for its guardrails: D1011 depth, D1012 time, D2015 sequence length.
const LIMIT_CODES = new Set(['D1011', 'D1012', 'D2015']);

/**
 * Evaluates an expression against `input`. A failure is permanent (the same input fails the same way every
 * time): `expression_limit` when a guardrail stopped it, `expression_failed` for any other error. `where` names
 * the configuration field in the message, e.g. `sources.shop.mapping.value`.
 */
export async function evaluateExpression(text: string, input: unknown, where: string): Promise<unknown> {
  const expression = compileExpression(text);
  let result: unknown;
  try {
    result = await expression.evaluate(input);
  } catch (error) {
    const failure = error as JsonataFailure;
    const limit = failure.code !== undefined && LIMIT_CODES.has(failure.code);
    throw new PermanentError(
      `${where}: expression ${limit ? 'stopped by its limits' : 'failed'}: ${failure.message ?? String(error)}`,
      limit ? 'expression_limit' : 'expression_failed',
      { where, code: failure.code, position: failure.position, expression: text.slice(0, 500) },
    );
  }
  return toJsonValue(result);
}

/** A value spec read from the context: the dot path directly, or the expression evaluated. */
export function readValue(spec: ValueSpec, context: unknown, where: string): Promise<unknown> {
  return typeof spec === 'string'
    ? Promise.resolve(getPath(context, spec))
    : evaluateExpression(spec.expr, context, where);
}

/**
 * What JSONata returns, as JSON: functions (a lambda left unapplied) become undefined, and sequences become
 * plain arrays, so the result can be compared, stored and sent like any parsed JSON.
 */
function toJsonValue(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map(toJsonValue).filter((item) => item !== undefined);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a `__proto__` key in the data stays data.
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, toJsonValue(item)] as const)
        .filter(([, item]) => item !== undefined),
    );
  }
  return value;
}

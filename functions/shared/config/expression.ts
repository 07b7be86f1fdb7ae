// Values the configuration reads from a webhook: a plain dot path (`event.customer.email`, the fast path, no
// parser involved) or a JSONata expression (`{ "expr": "$sum(line_items.(price * quantity))" }`), the language
// AWS Step Functions uses for its transformations (docs/adr/0015-jsonata-expressions.md).
//
// How the configuration writes such a value, and the check at load, are ./value-spec.ts; this module runs the
// language. An expression is compiled when the configuration is parsed — a syntax error, or a regular expression that
// cannot run in linear time, is a configuration error at load, naming the source and the field — and kept by its
// text, so evaluation never parses. Each evaluation is bounded by its own work (evaluation steps, counted per
// evaluation: ./expression-budget.ts), JSONata's depth and sequence guardrails, and a time backstop; regular
// expressions run on a linear-time engine (./linear-regex.ts). A runaway expression is a permanent failure with a
// reason, never a hung batch, and what other records do beside it cannot make it fail. No host functions are
// registered: an expression has JSONata's library and nothing else (no I/O, no clock beyond $now/$millis).
import { createRequire } from 'node:module';
import type jsonata from 'jsonata';
import { PermanentError, RetryableError } from '../stage/errors.ts';
import {
  EXPRESSION_LIMITS,
  ExpressionBudget,
  ExpressionBudgetExceeded,
  type ExpressionLimits,
} from './expression-budget.ts';
import { getPath } from '../json/path.ts';
import { checkLinearRegex, LinearRegExp } from './linear-regex.ts';

export { EXPRESSION_LIMITS, type ExpressionLimits } from './expression-budget.ts';

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
    // No `timeout`: JSONata's is wall-clock time from the start, which other records' work would spend.
    expression = jsonataEngine()(text, {
      stack: EXPRESSION_LIMITS.maxDepth,
      sequence: EXPRESSION_LIMITS.maxSequence,
      RegexEngine: LinearRegExp,
      // JSONata's types ask for RegExp's whole constructor; it uses `new`, `lastIndex` and `exec` only.
    } as unknown as jsonata.JsonataOptions);
  } catch (error) {
    throw new ExpressionSyntaxError(text, error as JsonataFailure);
  }
  const refused = refusedRegex(expression.ast());
  if (refused) throw new ExpressionSyntaxError(text, refused);
  expression.assign(EVALUATE_ENTRY as unknown as string, countStep);
  if (compiled.size >= MAX_KEPT_COMPILATIONS) compiled.clear();
  compiled.set(text, expression);
  return expression;
}

/** JSONata calls the function bound to this symbol at every evaluation step (its debugging hook). */
const EVALUATE_ENTRY = Symbol.for('jsonata.__evaluate_entry');
/** Where an evaluation's budget is bound: not a JSONata variable name, so no expression can read or replace it. */
const BUDGET_BINDING = ' relay budget';

interface Frame {
  lookup(name: string): unknown;
}

/** Each step spends from the budget of the evaluation it belongs to (concurrent evaluations have their own). */
function countStep(_node: unknown, _input: unknown, environment: Frame): void {
  (environment.lookup(BUDGET_BINDING) as ExpressionBudget | undefined)?.step();
}

/** The first regex literal in the expression that RE2 refuses, as a JSONata-style failure; undefined if none. */
function refusedRegex(ast: unknown): JsonataFailure | undefined {
  const seen = new Set<unknown>();
  const visit = (node: unknown): JsonataFailure | undefined => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return undefined;
    seen.add(node);
    const { type, value, position } = node as { type?: unknown; value?: unknown; position?: unknown };
    if (type === 'regex' && value instanceof RegExp) {
      const why = checkLinearRegex(value);
      if (why !== undefined)
        return {
          ...(typeof position === 'number' && { position }),
          message: `the regular expression /${value.source}/ cannot run in linear time (${why}); backreferences and lookaround are not supported`,
        };
    }
    for (const child of Object.values(node)) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(ast);
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

// JSONata codes for its guardrails: D1011 depth, D2014 range size, D2015 sequence length.
const LIMIT_CODES = new Set(['D1011', 'D2014', 'D2015']);

/** Where an evaluation's limits and clock come from; tests pass a small budget or a clock of their own. */
export interface EvaluationOptions {
  limits?: Partial<Pick<ExpressionLimits, 'maxSteps' | 'maxMs'>>;
  now?: () => number;
}

/**
 * Evaluates an expression against `input`. `where` names the configuration field in the message, e.g.
 * `sources.shop.mapping.value`. A failure that the same input would meet again is permanent: `expression_limit`
 * when its steps, depth or sequence limit stopped it, `expression_failed` for any other error. Running past the
 * time backstop is a RetryableError (`expression_slow`): time depends on what else the instance was doing.
 */
export async function evaluateExpression(
  text: string,
  input: unknown,
  where: string,
  options: EvaluationOptions = {},
): Promise<unknown> {
  const expression = compileExpression(text);
  const budget = new ExpressionBudget({ ...EXPRESSION_LIMITS, ...options.limits }, options.now ?? Date.now);
  let result: unknown;
  try {
    result = await expression.evaluate(input, { [BUDGET_BINDING]: budget });
  } catch (error) {
    if (error instanceof ExpressionBudgetExceeded && error.kind === 'time') {
      throw new RetryableError(
        `${where}: expression ${error.message}; retried`,
        'expression_slow',
        undefined,
        {
          cause: error,
        },
      );
    }
    if (error instanceof ExpressionBudgetExceeded) {
      throw new PermanentError(
        `${where}: expression stopped by its limits: ${error.message}`,
        'expression_limit',
        {
          where,
          code: 'steps',
          expression: text.slice(0, 500),
        },
      );
    }
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

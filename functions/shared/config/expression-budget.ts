// What bounds one evaluation of an expression: its own work, counted in evaluation steps (JSONata calls back at
// each), so the bound is the same alone or beside nine other records; and, as a backstop for steps that are each
// slow, the time since it started. Steps are deterministic: past them, the same input fails the same way every
// time (permanent). Time is not — a busy instance stretches it — so running out of it is worth a retry
// (docs/adr/0022-expression-limits-regex-and-mapping-edges.md).

export interface ExpressionLimits {
  /** Evaluation steps one evaluation may take (each node of the expression, for each input it is applied to). */
  maxSteps: number;
  /** Time one evaluation may take, in ms: a backstop for a few slow steps, generous so that load cannot reach it. */
  maxMs: number;
  /** Evaluation depth (JSONata's `stack` guardrail). */
  maxDepth: number;
  /** Longest sequence one evaluation may build (JSONata's `sequence` guardrail). */
  maxSequence: number;
}

export const EXPRESSION_LIMITS: ExpressionLimits = {
  maxSteps: 500_000,
  maxMs: 5_000,
  maxDepth: 300,
  maxSequence: 100_000,
};

/** An evaluation stopped by its budget: `steps` (its own work, permanent) or `time` (worth a retry). */
export class ExpressionBudgetExceeded extends Error {
  override readonly name = 'ExpressionBudgetExceeded';
  constructor(
    readonly kind: 'steps' | 'time',
    message: string,
  ) {
    super(message);
  }
}

/** One evaluation's budget: step() is called at each evaluation step and throws once the budget is spent. */
export class ExpressionBudget {
  private steps = 0;
  private readonly started: number;

  constructor(
    private readonly limits: Pick<ExpressionLimits, 'maxSteps' | 'maxMs'>,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  step(): void {
    this.steps += 1;
    if (this.steps > this.limits.maxSteps)
      throw new ExpressionBudgetExceeded('steps', `took more than ${this.limits.maxSteps} evaluation steps`);
    const elapsed = this.now() - this.started;
    if (elapsed > this.limits.maxMs)
      throw new ExpressionBudgetExceeded(
        'time',
        `ran for ${Math.round(elapsed)} ms, more than ${this.limits.maxMs} ms (after ${this.steps} steps)`,
      );
  }
}

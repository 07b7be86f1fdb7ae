import { describe, expect, it } from 'vitest';
import {
  byteBudgetsFor,
  InFlightBytes,
  memoryMbOf,
  WebhookBudget,
} from '../../functions/hydrate/webhook-budget.ts';
import { DeferredError, PermanentError } from '../../functions/shared/stage/errors.ts';

const MIB = 1_048_576;

describe('byte budgets', () => {
  it('derive from the function’s memory: a sixteenth for one webhook, an eighth for the records in flight', () => {
    expect(byteBudgetsFor(256)).toEqual({ perWebhook: 16 * MIB, inFlight: 32 * MIB });
    expect(byteBudgetsFor(1024, 50 * MIB)).toEqual({ perWebhook: 50 * MIB, inFlight: 128 * MIB });
    expect(memoryMbOf({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' })).toBe(512);
    expect(memoryMbOf({})).toBe(256);
  });

  it('a webhook past its own budget fails for good, naming the limit and what passed it', () => {
    const budget = new WebhookBudget(100);
    budget.charge(60, 'a');
    let thrown: unknown;
    try {
      budget.charge(41, 'message 2 (klaviyo.event)');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PermanentError);
    expect(thrown).toMatchObject({
      reason: 'webhook_budget_exceeded',
      detail: { limit: 100, used: 60, more: 41, what: 'message 2 (klaviyo.event)' },
    });
  });

  it('a record that would pass what the records in flight may hold, behind an older one, is deferred', () => {
    const pool = new InFlightBytes(100);
    const first = pool.openBudget(1_000);
    const second = pool.openBudget(1_000);
    first.charge(70, 'a');
    second.charge(30, 'b');
    expect(() => second.charge(1, 'c')).toThrow(DeferredError);
    expect(() => second.charge(1, 'c')).toThrow(expect.objectContaining({ reason: 'memory_busy' }));
    // The oldest goes on past the instance's share, up to its own budget: one record always progresses.
    first.charge(500, 'd');
    expect(pool.bytes).toBe(600);
    first.release();
    // Now the oldest in flight, the second goes on too.
    second.charge(200, 'e');
    second.release();
    expect(pool.bytes).toBe(0);
  });
});

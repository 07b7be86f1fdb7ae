import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/shared/errors.ts';
import {
  compileExpression,
  evaluateExpression,
  ExpressionSyntaxError,
  readValue,
  valueSpecSchema,
} from '../../functions/shared/expression.ts';

const order = {
  id: 5001,
  currency: 'EUR',
  line_items: [
    { id: 11, title: 'Mug', price: '12.50', quantity: 2 },
    { id: 12, title: 'Tee', price: '20.00', quantity: 1 },
  ],
};

describe('JSONata expressions', () => {
  it('evaluates against the context and returns plain JSON', async () => {
    const total = await evaluateExpression('$sum(line_items.($number(price) * quantity))', order, 'value');
    expect(total).toBe(45);
    const names = await evaluateExpression('line_items.title', order, 'p');
    expect(names).toEqual(['Mug', 'Tee']);
    expect(Object.getOwnPropertyNames(names)).toEqual(['0', '1', 'length']); // no `sequence` flag left
    const items = await evaluateExpression(
      'line_items.{"ProductID": $string(id), "Quantity": quantity}',
      order,
      'p',
    );
    expect(items).toEqual([
      { ProductID: '11', Quantity: 2 },
      { ProductID: '12', Quantity: 1 },
    ]);
  });

  it('compiles each text once', () => {
    expect(compileExpression('a.b + 1')).toBe(compileExpression('a.b + 1'));
  });

  it('a syntax error names the position and the text', () => {
    expect(() => compileExpression('$sum(line_items.(price *')).toThrow(ExpressionSyntaxError);
    expect(() => compileExpression('$sum(line_items.(price *')).toThrow(
      /JSONata syntax error at character \d+/,
    );
  });

  it('the configuration schema rejects an expression that does not parse, at load', () => {
    const parsed = valueSpecSchema().safeParse({ expr: 'a +' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('\n')).toMatch(/JSONata syntax error/);
    expect(valueSpecSchema().safeParse('event.total_price').success).toBe(true);
    expect(valueSpecSchema().safeParse('event..x').success).toBe(false);
    expect(valueSpecSchema().safeParse({ expr: '' }).success).toBe(false);
    expect(valueSpecSchema().safeParse({ expr: 'a', extra: 1 }).success).toBe(false);
  });

  it('a runaway expression is stopped and is a permanent failure with a reason', async () => {
    const forever = '($f := function($n) { $f($n + 1) }; $f(0))';
    const error = await evaluateExpression(forever, {}, 'sources.shop.mapping.value').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('expression_limit');
    expect((error as PermanentError).message).toMatch(/^sources\.shop\.mapping\.value: /);

    const spin =
      '($loop := function($n) { $n > 0 ? $loop($n - 1) : 0 }; $map([1..2000], function($v) { $loop(50) }))';
    const slow = await evaluateExpression(spin, {}, 'x').catch((e: unknown) => e);
    expect((slow as PermanentError).reason).toBe('expression_limit');

    const huge = await evaluateExpression('[1..10000000]', {}, 'x').catch((e: unknown) => e);
    expect((huge as PermanentError).reason).toMatch(/^expression_(limit|failed)$/);
  });

  it('a runtime error is a permanent failure naming the field', async () => {
    const error = await evaluateExpression('"a" + 1', {}, 'sources.s.mapping.value').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('expression_failed');
  });

  it('has no host functions beyond JSONata’s own', async () => {
    const error = await evaluateExpression('$require("fs")', {}, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(await evaluateExpression('$exists(process)', {}, 'x')).toBe(false);
  });

  it('keeps a __proto__ key as data', async () => {
    const input = JSON.parse('{"a": {"__proto__": {"polluted": true}}}') as unknown;
    const out = (await evaluateExpression('a', input, 'x')) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('readValue takes a dot path without JSONata, or an expression', async () => {
    expect(await readValue('line_items.1.title', order, 'x')).toBe('Tee');
    expect(await readValue({ expr: 'line_items[1].title' }, order, 'x')).toBe('Tee');
    expect(await readValue('missing.path', order, 'x')).toBeUndefined();
  });
});

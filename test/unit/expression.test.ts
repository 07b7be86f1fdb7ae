import { describe, expect, it, vi } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/shared/stage/errors.ts';
import {
  compileExpression,
  evaluateExpression,
  ExpressionSyntaxError,
  readValue,
} from '../../functions/shared/config/expression.ts';
import { valueSpecSchema } from '../../functions/shared/config/value-spec.ts';

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
    const slow = await evaluateExpression(spin, {}, 'x', { limits: { maxSteps: 20_000 } }).catch(
      (e: unknown) => e,
    );
    expect((slow as PermanentError).reason).toBe('expression_limit');
    expect((slow as PermanentError).message).toMatch(/more than 20000 evaluation steps/);

    const huge = await evaluateExpression('[1..10000000]', {}, 'x').catch((e: unknown) => e);
    expect((huge as PermanentError).reason).toMatch(/^expression_(limit|failed)$/);
  });

  describe('the limit is the expression’s own work, not time shared with others', () => {
    // 100 elements, a few steps each: well under 5,000 steps, far over them with 10,000 elements.
    const sumOf = (count: number) => ({ items: Array.from({ length: count }, (_, i) => ({ n: i })) });
    const text = '$sum(items.(n * 2))';
    const limits = { maxSteps: 5_000 };
    // A clock that never moves: only steps can stop an evaluation.
    const still = { limits, now: () => 0 };

    it('stops at the same step count alone and beside nine others evaluated at the same time', async () => {
      expect(await evaluateExpression(text, sumOf(100), 'x', still)).toBe(9_900);
      const side = await Promise.all(
        Array.from({ length: 10 }, () => evaluateExpression(text, sumOf(100), 'x', still)),
      );
      expect(side).toEqual(Array.from({ length: 10 }, () => 9_900));
      const over = await Promise.all(
        Array.from({ length: 10 }, () =>
          evaluateExpression(text, sumOf(10_000), 'x', still).catch((e: unknown) => e),
        ),
      );
      for (const error of over) expect((error as PermanentError).reason).toBe('expression_limit');
    });

    it('a record beside a runaway one keeps its own budget', async () => {
      const [runaway, fine] = await Promise.all([
        evaluateExpression(text, sumOf(10_000), 'x', still).catch((e: unknown) => e),
        evaluateExpression(text, sumOf(100), 'x', still),
      ]);
      expect((runaway as PermanentError).reason).toBe('expression_limit');
      expect(fine).toBe(9_900);
    });

    it('running past the time backstop is retried, not permanent: time depends on the instance’s load', async () => {
      let clock = 0;
      // Each reading of the clock is a second later: the backstop is passed within the first steps.
      const error = await evaluateExpression(text, sumOf(100), 'sources.s.mapping.value', {
        now: () => (clock += 1_000),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error).not.toBeInstanceOf(PermanentError);
      expect((error as RetryableError).reason).toBe('expression_slow');
      expect((error as RetryableError).message).toMatch(/^sources\.s\.mapping\.value: expression ran for/);
    });
  });

  describe('regular expressions run in linear time', () => {
    it('never on JavaScript’s backtracking engine', async () => {
      const exec = vi.spyOn(RegExp.prototype, 'exec');
      try {
        expect(await evaluateExpression('$contains(v, /b+/)', { v: 'abbc' }, 'x')).toBe(true);
        // JSONata checks function signatures with RegExps of its own; the expression's pattern never runs there.
        const sources = exec.mock.contexts.map((re) => (re as RegExp).source);
        expect(sources).not.toContain('b+');
      } finally {
        exec.mockRestore();
      }
    });

    it('the pattern of issue 18 on 33 characters answers at once', async () => {
      // JavaScript's RegExp backtracks through 2^32 ways of splitting the a's before it fails.
      const v = `${'a'.repeat(32)}!`;
      expect(await evaluateExpression('$contains(v, /^(\\w+\\s?)*$/)', { v }, 'x')).toBe(false);
      expect(await evaluateExpression('$contains(v, /^(\\w+\\s?)*$/)', { v: 'two words' }, 'x')).toBe(true);
    });

    it('keeps JSONata’s results: matches with groups and offsets, replace, split, flags, non-BMP text', async () => {
      expect(await evaluateExpression('$match("ab12cd345", /(\\d)(\\d)/)', {}, 'x')).toEqual([
        { match: '12', index: 2, groups: ['1', '2'] },
        { match: '34', index: 6, groups: ['3', '4'] },
      ]);
      expect(await evaluateExpression('$replace("Hello World", /o/i, "0")', {}, 'x')).toBe('Hell0 W0rld');
      expect(await evaluateExpression('$replace("Jane Doe", /(\\w+) (\\w+)/, "$2, $1")', {}, 'x')).toBe(
        'Doe, Jane',
      );
      expect(await evaluateExpression('$split("a1b22c", /\\d+/)', {}, 'x')).toEqual(['a', 'b', 'c']);
      expect(await evaluateExpression('$contains("ABC", /b/i)', {}, 'x')).toBe(true);
      expect(await evaluateExpression('$contains("a\\nb", /^b$/m)', {}, 'x')).toBe(true);
      expect(await evaluateExpression('$replace("é😀x😀", /😀/, "-")', {}, 'x')).toBe('é-x-');
      expect(await evaluateExpression('$match("x😀ab", /😀(.)/).groups', {}, 'x')).toEqual(['a']);
      expect(await evaluateExpression('$match("x😀ab", /😀(.)/).index', {}, 'x')).toBe(1);
    });

    it('a pattern RE2 cannot run in linear time (backreference, lookahead) is refused at load', () => {
      for (const expr of ['$contains(v, /(a)\\1/)', '$contains(v, /a(?=b)/)']) {
        const parsed = valueSpecSchema().safeParse({ expr });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.message).toMatch(/cannot run in linear time/);
      }
    });
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

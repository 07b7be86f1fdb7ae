import { describe, expect, it } from 'vitest';
import {
  MAX_DEPTH,
  MAX_PROPERTIES,
  MAX_STRING_BYTES,
  flattenProperties,
} from '../../functions/hydrate/flatten.ts';

describe('flattenProperties', () => {
  it('lifts nested objects to top-level keys, with the root prefix', () => {
    const { properties } = flattenProperties([
      { prefix: '', value: { id: 'o1', shipping: { city: 'Leeds', geo: { lat: 53.8 } } } },
      { prefix: 'customer', value: { first_name: 'Ada', tags: ['vip', 'eu'] } },
    ]);
    expect(properties).toEqual({
      id: 'o1',
      shipping_city: 'Leeds',
      shipping_geo_lat: 53.8,
      customer_first_name: 'Ada',
      customer_tags: ['vip', 'eu'],
      customer_tags_count: 2,
    });
  });

  it('turns arrays of objects into one list per field and a count', () => {
    const { properties } = flattenProperties([
      {
        prefix: '',
        value: {
          products: [
            { sku: 'A', quantity: 2, price: 1.5 },
            { sku: 'B', quantity: 1, price: 3, options: { size: 'M' } },
          ],
        },
      },
    ]);
    expect(properties).toEqual({
      products_count: 2,
      products_sku: ['A', 'B'],
      products_quantity: [2, 1],
      products_price: [1.5, 3],
      products_options_size: ['M'],
    });
  });

  it('leaves out nulls and non-finite numbers, keeps false and 0', () => {
    const { properties } = flattenProperties([
      { prefix: '', value: { a: null, b: false, c: 0, d: Number.NaN } },
    ]);
    expect(properties).toEqual({ b: false, c: 0 });
  });

  it('names a bare scalar root', () => {
    expect(flattenProperties([{ prefix: '', value: 'hello' }]).properties).toEqual({ value: 'hello' });
  });

  it('keeps at most 400 properties and reports the rest', () => {
    const wide = Object.fromEntries(Array.from({ length: 450 }, (_, i) => [`k${i}`, i]));
    const { properties, dropped } = flattenProperties([{ prefix: '', value: wide }]);
    expect(Object.keys(properties)).toHaveLength(MAX_PROPERTIES);
    expect(dropped).toHaveLength(50);
  });

  it('clips strings to Klaviyo’s 100 KB limit', () => {
    const { properties } = flattenProperties([
      { prefix: '', value: { big: 'x'.repeat(MAX_STRING_BYTES + 10) } },
    ]);
    expect(Buffer.byteLength(properties.big as string)).toBe(MAX_STRING_BYTES);
  });

  it('survives hostile nesting by keeping deep remainders as JSON text', () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const { properties } = flattenProperties([{ prefix: '', value: deep }]);
    const key = Array.from({ length: MAX_DEPTH }, () => 'n').join('_');
    expect(typeof properties[key]).toBe('string');
  });
});

describe('flattening cost', () => {
  /**
   * Steps taken over arrays (every spread, for…of and destructuring walks Array.prototype[Symbol.iterator]),
   * counted while `work` runs: a deterministic measure of copying, with no clock involved.
   */
  function arraySteps(work: () => void): number {
    const original = Array.prototype[Symbol.iterator];
    let steps = 0;
    Array.prototype[Symbol.iterator] = function counted(this: unknown[]) {
      const inner = original.call(this);
      return {
        next: () => {
          steps += 1;
          return inner.next();
        },
        [Symbol.iterator]() {
          return this;
        },
      } as ArrayIterator<unknown>;
    };
    try {
      work();
    } finally {
      Array.prototype[Symbol.iterator] = original;
    }
    return steps;
  }

  const listOf = (length: number) =>
    Array.from({ length }, (_, i) => ({ sku: `S${i}`, qty: i, tags: ['a', 'b'] }));

  it('grows with the size of the list, not its square (no list copied per element)', () => {
    const small = arraySteps(() => flattenProperties([{ prefix: 'items', value: listOf(1_000) }]));
    const large = arraySteps(() => flattenProperties([{ prefix: 'items', value: listOf(8_000) }]));
    // Linear work: 8 times the elements, about 8 times the steps (quadratic would be about 64 times).
    expect(large / small).toBeLessThan(10);
    // And a small constant per element: 5 values each here.
    expect(large).toBeLessThan(8_000 * 5 * 4);
  });

  it('flattens a list of 130,000 small objects (about 1 MiB) into one list per field', () => {
    const value = Array.from({ length: 130_000 }, (_, i) => ({ a: i % 7, b: 'x' }));
    const { properties } = flattenProperties([{ prefix: 'rows', value }]);
    expect(properties.rows_count).toBe(130_000);
    expect(properties.rows_a).toHaveLength(130_000);
    expect((properties.rows_b as string[])[129_999]).toBe('x');
  });
});

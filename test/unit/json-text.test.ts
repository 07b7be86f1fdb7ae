import { describe, expect, it } from 'vitest';
import { parseJson } from '../../functions/shared/json/text.ts';

describe('parseJson', () => {
  it('keeps integers beyond 2^53 as strings of their exact digits', () => {
    expect(
      parseJson('{"id":820982911946154508,"items":[{"id":-9007199254740993}],"n":9007199254740991}'),
    ).toEqual({ id: '820982911946154508', items: [{ id: '-9007199254740993' }], n: 9007199254740991 });
  });

  it('leaves every other number a number, as JSON.parse reads it', () => {
    // Fractions and exponents with long digit runs: numbers that were never meant to be exact stay numbers.
    const text = '{"a":1.5,"b":1e300,"c":12345678901234567.5,"d":0.1000000000000000055511,"e":-2e17}';
    const parsed = parseJson(text) as Record<string, unknown>;
    expect(parsed).toEqual(JSON.parse(text));
    expect(Object.values(parsed).every((value) => typeof value === 'number')).toBe(true);
  });

  it('reads what JSON.parse reads, strings with long digit runs included', () => {
    const text = '{"s":"12345678901234567890","t":[true,null],"u":"\\u00e9"}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it('throws on what is not JSON, as JSON.parse does', () => {
    expect(() => parseJson('{"id": 820982911946154508')).toThrow(SyntaxError);
  });
});

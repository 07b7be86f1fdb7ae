// Why a filter said no: the first of its top-level conditions that is not true, with the values it reads.
import { describe, expect, it } from 'vitest';
import {
  explainFilter,
  pathsRead,
  topLevelConditions,
} from '../../functions/hydrate/mapping/explain-filter.ts';

describe('explainFilter', () => {
  it('splits at a top-level "and" only, not inside strings, brackets or parentheses', () => {
    expect(
      topLevelConditions(`meta.topic in ["a and b", 'x and y'] and ($f(a and b)) and\nevent.total > 0`),
    ).toEqual([`meta.topic in ["a and b", 'x and y']`, '($f(a and b))', 'event.total > 0']);
    expect(topLevelConditions('brand = "Band" or candy')).toEqual(['brand = "Band" or candy']);
  });

  it('names the paths a condition reads', () => {
    expect(pathsRead('$not(event.test = true) or meta.topic in ["x"]')).toEqual(['event.test', 'meta.topic']);
  });

  it('gives the first condition that is not true, with its values (null when missing)', async () => {
    const filter = { expr: `meta.topic in ["orders/create"] and $not(event.test = true)` };
    expect(await explainFilter(filter, { meta: {}, event: {} }, 'f')).toEqual({
      condition: 'meta.topic in ["orders/create"]',
      values: { 'meta.topic': null },
    });
    expect(
      await explainFilter(filter, { meta: { topic: 'orders/create' }, event: { test: true } }, 'f'),
    ).toEqual({ condition: '$not(event.test = true)', values: { 'event.test': true } });
    expect(await explainFilter('event.paid', { event: { paid: false } }, 'f')).toEqual({
      condition: 'event.paid',
      values: { 'event.paid': false },
    });
  });

  it('a condition that reads no field has no values; a filter true as a whole has no explanation', async () => {
    expect(await explainFilter({ expr: 'true and $x' }, {}, 'f')).toEqual({
      condition: '$x',
      values: {},
    });
    expect(await explainFilter({ expr: 'true' }, {}, 'f')).toBeUndefined();
  });
});

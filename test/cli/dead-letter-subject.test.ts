// Which of its webhook's writes a dead letter is, as `dlq show` and `trace` name it: a catalog row by Klaviyo's id,
// a record by its id and data source, a back-in-stock subscription by its variant; nothing for the others.
import { describe, expect, it } from 'vitest';
import { deadLetterSubject } from '../../cli/dead-letter-subject.ts';
import { backInStockFixture } from '../helpers/back-in-stock-messages.ts';
import { catalogDelete, variantUpsert } from '../helpers/catalog-messages.ts';
import { recordFixture } from '../helpers/record-messages.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

describe('deadLetterSubject', () => {
  it('names a catalog row, a record and a back-in-stock subscription, from JSON text or parsed', () => {
    expect(deadLetterSubject(JSON.stringify(variantUpsert('V1', 'I1')))).toBe(
      'catalog variant $custom:::$default:::V1 (upsert)',
    );
    expect(deadLetterSubject(catalogDelete('item', 'I1'))).toBe(
      'catalog item $custom:::$default:::I1 (delete)',
    );
    expect(deadLetterSubject(JSON.stringify(recordFixture('t1', { data_source_id: 'DS9' })))).toBe(
      'record t1 in data source DS9',
    );
    expect(deadLetterSubject(JSON.stringify(backInStockFixture('n1')))).toBe(
      'back in stock on catalog variant $custom:::$default:::SKU-1-M',
    );
  });

  it('names nothing for an event, text that is not JSON, or a message without its id', () => {
    expect(deadLetterSubject(JSON.stringify(eventFixture(1)))).toBeUndefined();
    expect(deadLetterSubject('not json')).toBeUndefined();
    expect(deadLetterSubject({ type: 'klaviyo.record' })).toBeUndefined();
    expect(deadLetterSubject(undefined)).toBeUndefined();
  });
});

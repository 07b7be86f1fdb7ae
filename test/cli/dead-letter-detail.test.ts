// A dead letter's detail as `dlq show` and `trace` print it: Klaviyo's errors with their pointers, a source API's
// message, or the detail as written.
import { describe, expect, it } from 'vitest';
import { detailLines } from '../../cli/dead-letter-detail.ts';

describe('detailLines', () => {
  it("gives each of Klaviyo's errors: code, detail, pointer (or parameter)", () => {
    expect(
      detailLines([
        {
          code: 'invalid',
          title: 'Invalid input.',
          detail: 'bad email',
          source: { pointer: '/data/attributes/email' },
        },
        { code: 'invalid', title: 'Invalid input.', source: { parameter: 'filter' } },
      ]),
    ).toEqual(['invalid · bad email · at /data/attributes/email', 'invalid · Invalid input. · at filter']);
  });

  it("gives a source API's message from its answer, then the answer", () => {
    expect(
      detailLines('{"error":{"message":"No such checkout session","type":"invalid_request_error"}}'),
    ).toEqual([
      'No such checkout session',
      '{"error":{"message":"No such checkout session","type":"invalid_request_error"}}',
    ]);
    expect(detailLines('<html>Not Found</html>')).toEqual(['<html>Not Found</html>']);
  });

  it('gives an object as JSON, shortened, and nothing for no detail', () => {
    expect(detailLines({ where: 'sources.shop.mapping.value', code: 'T2001' })).toEqual([
      '{"where":"sources.shop.mapping.value","code":"T2001"}',
    ]);
    expect(detailLines('x'.repeat(400))[0]).toHaveLength(301);
    expect(detailLines(undefined)).toEqual([]);
    expect(detailLines(null)).toEqual([]);
  });
});

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

  it("gives a refused catalog row's error, its job, and the refusal before it", () => {
    const error = (code: string, detail: string, pointer: string) => ({
      code,
      title: 'x',
      detail,
      source: { pointer },
    });
    expect(
      detailLines({
        operation: '/api/catalog-variant-bulk-create-jobs',
        job_id: 'job-7',
        error: error(
          'not_found',
          "The catalog item 'X' of this variant does not exist.",
          '/data/attributes/variants/data/0/relationships/item/data/id',
        ),
        row: { type: 'catalog-variant', attributes: { external_id: 'V1' } },
        earlier: {
          operation: '/api/catalog-variant-bulk-update-jobs',
          job_id: 'job-6',
          error: error('not_found', 'does not exist', '/data/attributes/variants/data/0'),
        },
      }),
    ).toEqual([
      "not_found · The catalog item 'X' of this variant does not exist. · at /data/attributes/variants/data/0/relationships/item/data/id",
      'in /api/catalog-variant-bulk-create-jobs (job job-7)',
      'before that: not_found · does not exist · at /data/attributes/variants/data/0 in /api/catalog-variant-bulk-update-jobs',
    ]);
  });
});

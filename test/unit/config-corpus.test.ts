// The corpus through the functions' schema: each document gets the verdict its case states. The same corpus
// runs through Terraform's validations in test/infra/config-corpus-terraform.test.ts (run blocks generated from
// it by npm run config:generate), so zod and Terraform cannot drift apart unseen.
import { describe, expect, it } from 'vitest';
import { validateRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { corpusCases } from '../../scripts/config-reference/corpus.ts';

const cases = corpusCases();

describe('configuration corpus: the zod schema', () => {
  it('holds the issue’s cases, valid and invalid ones, and few exceptions', () => {
    const names = cases.map((c) => c.name);
    for (const name of [
      'invalid-connection-named-Store-API',
      'invalid-pagination-next-url-without-path',
      'invalid-event-types-empty',
      'invalid-base-url-port-99999',
      'invalid-expression-5000-characters-mapping',
      'invalid-klaviyo-base-url-port',
    ])
      expect(names).toContain(name);
    expect(cases.filter((c) => c.valid).length).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.terraform !== undefined).length).toBeLessThanOrEqual(5);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, corpusCase) => {
    const result = validateRelayConfig(corpusCase.document);
    const problems = result.success ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    expect({ valid: result.success, problems }, corpusCase.about).toMatchObject({
      valid: corpusCase.valid,
    });
  });
});

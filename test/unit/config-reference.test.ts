// What is generated from the configuration's one description, the zod schema (scripts/generate-config.ts):
// up to date, and the JSON Schema editors use agrees with the functions on the files they read.
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseOpaqueRelayConfig, parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { corpusCases } from '../../scripts/config-reference/corpus.ts';
import { generatedFiles, JSON_SCHEMA_FILE } from '../../scripts/generate-config.ts';

describe('generated from the configuration schema', () => {
  it('is up to date (npm run config:generate -- --check)', { timeout: 60_000 }, async () => {
    const stale = (await generatedFiles()).filter((g) => g.current !== g.expected).map((g) => g.file);
    expect(
      stale,
      `${stale.join(', ')} out of date with the configuration schema: run npm run config:generate`,
    ).toEqual([]);
  });

  describe('the JSON Schema', async () => {
    const schema = JSON.parse(await readFile(JSON_SCHEMA_FILE, 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);

    it('accepts config/local.json, which names it in $schema', async () => {
      const text = await readFile('config/local.json', 'utf8');
      const document = JSON.parse(text) as { $schema?: string };
      expect(document.$schema).toBe('./relay-config.schema.json');
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    });

    it.each(
      corpusCases()
        .filter((c) => c.valid)
        .map((c) => [c.name, c] as const),
    )('accepts the valid corpus document %s', (_name, corpusCase) => {
      expect(validate(corpusCase.document), JSON.stringify(validate.errors)).toBe(true);
    });
  });

  it('the functions read a file that names its JSON Schema, and leave $schema out', () => {
    const text = JSON.stringify({
      $schema: './relay-config.schema.json',
      version: 1,
      sources: { shop: { kind: 'shopify', secrets: [{ ssm: '/s' }] } },
      klaviyo: { api_key: { ssm: '/k' } },
    });
    expect(parseRelayConfig(text, 'file')).not.toHaveProperty('$schema');
    expect(parseOpaqueRelayConfig(text, 'file')).not.toHaveProperty('$schema');
  });
});

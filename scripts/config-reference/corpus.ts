// The corpus of configuration documents (test/fixtures/config-corpus/*.json) that the zod schema and Terraform's
// validations must both accept or both refuse (docs/adr/0024-one-description-of-the-configuration.md). Each case
// is the document in its JSON form, its verdict, and, for the few rules HCL cannot state, Terraform's own verdict
// and why.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test',
  'fixtures',
  'config-corpus',
);

export type TerraformVariable = 'sources' | 'klaviyo' | 'ingest' | 'hydrate';

export interface CorpusCase {
  name: string;
  about: string;
  /** The functions' verdict (validateRelayConfig). */
  valid: boolean;
  /** Only where HCL cannot state the rule: Terraform's verdict, and why it differs. */
  terraform?: { valid: boolean; why: string; refuses?: TerraformVariable };
  document: { sources: unknown; klaviyo: unknown; ingest?: unknown; hydrate?: unknown } & Record<
    string,
    unknown
  >;
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      ...(JSON.parse(readFileSync(path.join(CORPUS_DIR, file), 'utf8')) as Omit<CorpusCase, 'name'>),
    }));
}

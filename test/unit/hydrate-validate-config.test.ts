// Hydrate answers a configuration validation request (what terraform/config.tf's aws_lambda_invocation sends after
// the document changes): it reads the document as stored now, or validates the one given, with the schema hydrate
// serves, and returns the verdict; a refusal carries hydrate's own message, which fails the apply.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/hydrate/handler.ts';
import { validateConfigRequest } from '../../functions/hydrate/validate-config.ts';

const valid = {
  version: 1,
  sources: { shop: { kind: 'shopify', secrets: [{ ssm: '/s' }] } },
  klaviyo: { api_key: { ssm: '/k' } },
};
const withSyntaxError = {
  ...valid,
  sources: {
    ...valid.sources,
    broken: { kind: 'shopify', secrets: [{ ssm: '/s' }], mapping: { filter: { expr: '$contains(' } } },
  },
};

async function configFile(document: unknown): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'validate-')), 'relay.json');
  await writeFile(file, JSON.stringify(document));
  return file;
}

const context = {} as Context;
type Verdict = { valid: boolean; sources?: string[]; problems?: { path: string }[]; message: string };

afterEach(() => vi.unstubAllEnvs());

describe("hydrate's configuration validation request", () => {
  it('accepts the current document and names its sources', async () => {
    vi.stubEnv('RELAY_CONFIG_FILE', await configFile(valid));
    const verdict = (await handler({ relay_validate_config: {} }, context)) as Verdict;
    expect(verdict).toMatchObject({ valid: true, sources: ['shop'] });
  });

  it('refuses the current document with hydrate’s message, naming the source and path', async () => {
    vi.stubEnv('RELAY_CONFIG_FILE', await configFile(withSyntaxError));
    const verdict = (await handler({ relay_validate_config: {} }, context)) as Verdict;
    expect(verdict.valid).toBe(false);
    expect(verdict.problems?.map((p) => p.path)).toEqual([
      expect.stringMatching(/^sources\.broken\.mapping/),
    ]);
    expect(verdict.message).toMatch(/sources\.broken\.mapping\.filter/);
  });

  it('validates a document given in the request instead of the stored one', async () => {
    vi.stubEnv('RELAY_CONFIG_FILE', await configFile(valid));
    const refused = (await handler(
      { relay_validate_config: { document: withSyntaxError } },
      context,
    )) as Verdict;
    expect(refused.valid).toBe(false);
    const accepted = (await handler(
      { relay_validate_config: { document: JSON.stringify(valid) } },
      context,
    )) as Verdict;
    expect(accepted.valid).toBe(true);
  });

  it('says so when the document cannot be read, after trying again', async () => {
    const verdict = await validateConfigRequest(
      { relay_validate_config: {} },
      { RELAY_CONFIG_FILE: path.join(tmpdir(), 'no-such-relay-config.json') },
      { readAttempts: 2, retryDelayMs: 1 },
    );
    expect(verdict.valid).toBe(false);
    expect(verdict.message).toMatch(/could not read the configuration: .*no-such-relay-config/);
  });
});

// The Terraform form of a mapping (and of a preset with overrides) round-trips: samples/order-mapping.json written the Terraform way (value specs
// as strings, "=" before an expression) and rendered by terraform/config.tf parses with the functions' schema
// into the same mapping. Only the module's variables and its document locals are evaluated (an output applied
// in a scratch directory): no provider, no AWS.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRelayConfig, relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { canRun, commandOnPath, describeRun, repoRoot, run } from './tools.ts';

const enabled = canRun('Terraform mapping render (test/infra/terraform-mapping-render.test.ts)', [
  commandOnPath('terraform', 'install Terraform >= 1.11'),
]);

/** `{ "expr": "…" }` → `"= …"`, as a Terraform user writes it; everything else as it is. */
function terraformForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(terraformForm);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only?.[0] === 'expr' && typeof only[1] === 'string') return `= ${only[1]}`;
    return Object.fromEntries(entries.map(([k, v]) => [k, terraformForm(v)]));
  }
  return value;
}

describe.skipIf(!enabled)('terraform renders the mapping section', () => {
  let scratch = '';
  afterAll(async () => {
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  /** The document terraform/config.tf renders from these `sources` (the module's variables and locals alone). */
  async function renderedDocument(sources: unknown): Promise<string> {
    scratch = await mkdtemp(path.join(tmpdir(), 'relay-tf-mapping-'));
    const config = await readFile(path.join(repoRoot, 'terraform/config.tf'), 'utf8');
    const locals = config.slice(config.indexOf('locals {'), config.indexOf('resource "aws_ssm_parameter"'));
    await writeFile(path.join(scratch, 'config.tf'), locals);
    await writeFile(
      path.join(scratch, 'variables.tf'),
      await readFile(path.join(repoRoot, 'terraform/variables.tf'), 'utf8'),
    );
    await writeFile(
      path.join(scratch, 'terraform.tfvars.json'),
      JSON.stringify({ name: 'relay', sources, klaviyo: { api_key: { ssm: '/k' } } }),
    );
    await writeFile(
      path.join(scratch, 'outputs.tf'),
      'output "config_json" {\n  value = local.config_json\n}\n',
    );
    // No provider and no resource: apply only evaluates the output, into a state file in the scratch directory.
    for (const args of [
      ['init', '-input=false'],
      ['apply', '-auto-approve', '-input=false'],
    ]) {
      const step = await run('terraform', [`-chdir=${scratch}`, ...args, '-no-color']);
      expect(step.code, describeRun(`terraform ${args[0]}`, step)).toBe(0);
    }
    const rendered = await run('terraform', [`-chdir=${scratch}`, 'output', '-raw', 'config_json']);
    expect(rendered.code, describeRun('terraform output', rendered)).toBe(0);
    await rm(scratch, { recursive: true, force: true });
    scratch = '';
    return rendered.stdout;
  }

  it('into the mapping the schema reads from the JSON form', { timeout: 60_000 }, async () => {
    const mapping = JSON.parse(
      await readFile(path.join(repoRoot, 'samples/order-mapping.json'), 'utf8'),
    ) as unknown;
    const rendered = await renderedDocument({
      orders: { kind: 'shopify', secrets: [{ ssm: '/s' }], mapping: terraformForm(mapping) },
    });
    const document = parseRelayConfig(rendered, 'terraform');
    const expected = relayConfigSchema().parse({
      version: 1,
      sources: { orders: { kind: 'shopify', secrets: [{ ssm: '/s' }], mapping } },
      klaviyo: { api_key: { ssm: '/k' } },
    });
    expect(document.sources.orders?.mapping).toEqual(expected.sources.orders?.mapping);
  });
  it('a preset with overrides resolves as its JSON form does', { timeout: 60_000 }, async () => {
    const store = {
      kind: 'bigcommerce',
      preset: 'bigcommerce',
      secrets: [{ ssm: '/s' }],
      hydration: {
        connections: {
          store: { auth: { header: 'x-auth-token', secret: { ssm: '/relay/store/api-token' } } },
        },
      },
      mapping: { events: [{ id: 'placed_order', metric: 'Order Placed' }] },
    };
    const rendered = await renderedDocument({ store });
    const document = parseRelayConfig(rendered, 'terraform');
    const expected = parseRelayConfig(
      JSON.stringify({ version: 1, sources: { store }, klaviyo: { api_key: { ssm: '/k' } } }),
      'json',
    );
    expect(document.sources.store).toEqual(expected.sources.store);
    expect(document.sources.store?.mapping.events?.[0]?.metric).toBe('Order Placed');
    expect(document.sources.store?.hydration?.steps.map((step) => step.name)).toEqual([
      'order',
      'products',
      'shipping_addresses',
      'coupons',
      'customer',
      // The catalog's steps (issue 21): a product webhook is hydrated from the Catalog API and the store's settings,
      // and its categories; a category webhook from the Category Trees API.
      'product',
      'store',
      'categories',
      'category',
    ]);
  });
});

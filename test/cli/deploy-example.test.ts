// The Deploy examples (README.md, docs/operations.md "Deploy with Terraform") work with `relay … --stack`: the
// outputs their root declares, written as `terraform output -json` would, name everything the CLI reads. And a
// stack file without them says which output is missing and how a root exports it (issue 22).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack, required } from '../../operations/relay-stack.ts';

/** The module's outputs (terraform/outputs.tf), each with a value of its shape. */
async function moduleOutputs(): Promise<Record<string, unknown>> {
  const text = await readFile('terraform/outputs.tf', 'utf8');
  const names = [...text.matchAll(/^output "([a-z_]+)"/gm)].map((m) => m[1] ?? '');
  return Object.fromEntries(
    names.map((name) => [
      name,
      name.endsWith('_urls') || name.endsWith('_names')
        ? { ingest: `${name}-ingest`, hydrate: `${name}-hydrate`, deliver: `${name}-deliver` }
        : `${name}-value`,
    ]),
  );
}

/** What `terraform output -json` writes for a root whose outputs are `module.relay` or `module.relay.<name>`. */
async function stackFileOf(hcl: string): Promise<Record<string, { value: unknown }>> {
  const module = await moduleOutputs();
  const outputs: Record<string, { value: unknown }> = {};
  for (const [, name = '', member] of hcl.matchAll(
    /^output "([a-z_]+)" \{[^}]*?\bvalue\s*=\s*module\.relay(?:\.([a-z_]+))?\s*\}/gm,
  ))
    outputs[name] = { value: member === undefined ? module : module[member] };
  return outputs;
}

async function hclBlock(file: string, heading: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const from = text.indexOf(heading);
  expect(from, `${file} has ${heading}`).toBeGreaterThanOrEqual(0);
  const block = /```hcl\n([\s\S]*?)```/.exec(text.slice(from))?.[1];
  expect(block, `an hcl block under ${heading} in ${file}`).toBeDefined();
  return block ?? '';
}

async function stackOf(outputs: object) {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'deploy-example-')), 'stack.json');
  await writeFile(file, JSON.stringify(outputs));
  return { file, stack: await loadStack({ stack: file }) };
}

describe('the Deploy examples', () => {
  it.each([
    ['README.md', '```hcl'],
    ['docs/operations.md', '## Deploy with Terraform'],
  ])('%s: its root exports what relay --stack reads', async (file, heading) => {
    const { stack } = await stackOf(await stackFileOf(await hclBlock(file, heading)));
    expect(stack.queueUrls).toMatchObject({ hydrate: 'queue_urls-hydrate', deliver: 'queue_urls-deliver' });
    expect(stack.dlqUrls).toMatchObject({ hydrate: 'dlq_urls-hydrate', deliver: 'dlq_urls-deliver' });
    expect(stack.dedupeTableName).toBe('dedupe_table_name-value');
    expect(stack.configDocument).toBe('config_document-value');
    expect(stack.logGroupNames?.hydrate).toBe('log_group_names-hydrate');
  });
});

describe('the runnable roots (terraform/examples/*/outputs.tf)', () => {
  it.each(['minimal', 'complete'])('%s: exports what relay --stack reads', async (example) => {
    const hcl = await readFile(`terraform/examples/${example}/outputs.tf`, 'utf8');
    const { stack } = await stackOf(await stackFileOf(hcl));
    expect(stack.queueUrls).toMatchObject({ hydrate: 'queue_urls-hydrate', deliver: 'queue_urls-deliver' });
    expect(stack.dlqUrls).toMatchObject({ hydrate: 'dlq_urls-hydrate', deliver: 'dlq_urls-deliver' });
    expect(stack.dedupeTableName).toBe('dedupe_table_name-value');
    expect(stack.configDocument).toBe('config_document-value');
  });
});

describe('a stack file without the module’s outputs', () => {
  it('says which output is missing and how the root exports it', async () => {
    const { file, stack } = await stackOf({
      webhook_urls: { value: { shop: 'https://x/webhooks/shop' } },
      relay_config: { value: '{}' },
    });
    expect(() => required(stack.dlqUrls.hydrate, 'the hydrate DLQ', '--hydrate-dlq-url', stack)).toThrow(
      `the hydrate DLQ is not known: ${file} has no output dlq_urls: the root module must export the relay module's outputs — add \`output "relay" { value = module.relay }\`, apply, and write the file again with \`terraform output -json > ${file}\`; pass --hydrate-dlq-url`,
    );
  });
});

// The Terraform root `npm run deploy:local` applies: terraform/examples/complete's files copied as they are, with
// only the module source pointing at this clone's terraform/ (the module's prebuilt zips, no build), and an
// override file sending every AWS service to moto (as test/infra/moto-apply.test.ts does).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { providerOverride } from '../local-aws/moto.ts';
import { repoRoot } from '../local-aws/run.ts';

export const EXAMPLE_DIR = path.join(repoRoot, 'terraform', 'examples', 'complete');
const MODULE_SOURCE = /source\s*=\s*"\.\.\/\.\.\/"/;

/** The module source for a root at `rootDir`: this clone's terraform/, as a relative local path. */
export function moduleSourceFor(rootDir: string): string {
  const relative = path.relative(rootDir, path.join(repoRoot, 'terraform')).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** Writes the root into `rootDir` (created if missing; the example's files and the override are rewritten). */
export async function prepareRoot(rootDir: string, endpoint: string): Promise<void> {
  await mkdir(rootDir, { recursive: true });
  const files = (await readdir(EXAMPLE_DIR)).filter((f) => f.endsWith('.tf'));
  let sourced = false;
  for (const file of files) {
    const text = await readFile(path.join(EXAMPLE_DIR, file), 'utf8');
    sourced ||= MODULE_SOURCE.test(text);
    await writeFile(
      path.join(rootDir, file),
      text.replace(MODULE_SOURCE, `source = "${moduleSourceFor(rootDir)}"`),
    );
  }
  if (!sourced) throw new Error(`no module block with source = "../../" in ${EXAMPLE_DIR}`);
  // moto cannot run Lambda code: the apply's validation invocation (the module's config.tf) is turned off.
  await writeFile(
    path.join(rootDir, 'moto_override.tf'),
    `${providerOverride(endpoint, 'npm run deploy:local')}\nmodule "relay" {\n  validate_configuration = false\n}\n`,
  );
}

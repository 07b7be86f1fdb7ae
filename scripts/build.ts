// Builds dist/<function>.zip for each Lambda: an esbuild bundle (ESM, Node 22, source map) zipped
// deterministically (fixed timestamps and modes, sorted entries), so that Terraform's
// filebase64sha256(zip) changes exactly when that function's code changes.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import yazl from 'yazl';

export const FUNCTIONS = ['ingest', 'hydrate', 'deliver'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Zip stores local date and time (DOS format), so the date is built in local time: the bytes are then the
// same in every time zone. Only the DOS timestamp is written (no UTC extra field) for the same reason.
const fixedMtime = () => new Date(2020, 0, 1, 0, 0, 0);

// CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

async function bundle(name: FunctionName, root: string): Promise<Map<string, Uint8Array>> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [`functions/${name}/handler.ts`],
    outfile: `dist/${name}/index.mjs`,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    sourcemap: 'external',
    sourcesContent: false,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    banner: { js: REQUIRE_SHIM },
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'warning',
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(path.basename(file.path), file.contents);
  return files;
}

function zip(files: Map<string, Uint8Array>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const name of [...files.keys()].sort()) {
    const contents = files.get(name);
    if (!contents) continue;
    archive.addBuffer(Buffer.from(contents), name, {
      mtime: fixedMtime(),
      mode: 0o100644,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  archive.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on('error', reject);
    archive.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export interface BuiltArtifact {
  name: FunctionName;
  file: string;
  bytes: number;
  sha256: string;
}

export interface BuildOptions {
  /** Where the zips go; default dist/. */
  outDir?: string;
  /** The tree holding functions/ (and node_modules/); default this repository. */
  root?: string;
}

export async function build(options: BuildOptions = {}): Promise<BuiltArtifact[]> {
  const root = options.root ?? repoRoot;
  const outDir = options.outDir ?? path.join(root, 'dist');
  await mkdir(outDir, { recursive: true });
  const artifacts: BuiltArtifact[] = [];
  for (const name of FUNCTIONS) {
    const archive = await zip(await bundle(name, root));
    const file = path.join(outDir, `${name}.zip`);
    await writeFile(file, archive);
    artifacts.push({
      name,
      file,
      bytes: archive.length,
      sha256: createHash('sha256').update(archive).digest('base64'),
    });
  }
  return artifacts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const a of await build()) {
    console.log(
      `${path.relative(process.cwd(), a.file)}  ${(a.bytes / 1024).toFixed(0)} KiB  sha256(base64)=${a.sha256}`,
    );
  }
}

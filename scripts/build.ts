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
// Any fixed date works; this one is inside the range every zip reader accepts.
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

// CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

async function bundle(name: FunctionName): Promise<Map<string, Uint8Array>> {
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
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
    archive.addBuffer(Buffer.from(contents), name, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
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

export async function build(outDir = path.join(repoRoot, 'dist')): Promise<BuiltArtifact[]> {
  await mkdir(outDir, { recursive: true });
  const artifacts: BuiltArtifact[] = [];
  for (const name of FUNCTIONS) {
    const archive = await zip(await bundle(name));
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
    console.log(`${path.relative(process.cwd(), a.file)}  ${(a.bytes / 1024).toFixed(0)} KiB  sha256(base64)=${a.sha256}`);
  }
}

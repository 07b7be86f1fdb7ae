// Extracts a zip as Lambda does before it starts a function: every entry under one directory. yauzl checks
// each entry's CRC and refuses names that would leave the directory.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** Writes each entry of `zipFile` under `destDir` and returns the entry names in archive order. */
export async function extractZip(zipFile: string, destDir: string): Promise<string[]> {
  const zip = await yauzl.openPromise(zipFile);
  const names: string[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      names.push(entry.fileName);
      const target = path.join(destDir, entry.fileName);
      if (entry.fileName.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    }
  } finally {
    zip.close();
  }
  return names;
}

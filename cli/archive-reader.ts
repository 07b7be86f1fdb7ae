// Reads the archive (functions/shared/archive.ts) for a time range: the hour prefixes the range covers, each
// object's gzipped JSON Lines, every line checked against the message contract. From the archive bucket in AWS,
// or from local mode's folder.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { archiveHourPrefix } from '../functions/shared/archive.ts';
import { webhookReceivedV1Schema, type WebhookReceivedV1 } from '../functions/shared/stage/contracts.ts';

export type ArchiveLocation = { bucket: string; s3: S3Client } | { dir: string };

const HOUR_MS = 3_600_000;

/** Every hour prefix from the hour of `from` to the hour of `to`. */
export function hourPrefixes(from: Date, to: Date): string[] {
  const prefixes: string[] = [];
  for (let t = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS; t <= to.getTime(); t += HOUR_MS)
    prefixes.push(archiveHourPrefix(new Date(t)));
  return prefixes;
}

async function keysUnder(location: ArchiveLocation, prefix: string): Promise<string[]> {
  if ('dir' in location) {
    const dir = path.join(location.dir, ...prefix.split('/').filter(Boolean));
    try {
      return (await readdir(dir)).filter((f) => f.endsWith('.jsonl.gz')).map((f) => `${prefix}${f}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await location.s3.send(
      new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function readObject(location: ArchiveLocation, key: string): Promise<Buffer> {
  if ('dir' in location) return readFile(path.join(location.dir, ...key.split('/')));
  const object = await location.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

/** The objects of the range, for a progress bar's total. */
export async function archiveObjects(location: ArchiveLocation, from: Date, to: Date): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of hourPrefixes(from, to)) keys.push(...(await keysUnder(location, prefix)));
  return keys;
}

/** The archived webhooks of one object; a line that does not meet the contract is reported, not returned. */
export async function readArchiveObject(
  location: ArchiveLocation,
  key: string,
  onInvalid: (key: string, line: number, problem: string) => void,
): Promise<WebhookReceivedV1[]> {
  const text = gunzipSync(await readObject(location, key)).toString('utf8');
  const messages: WebhookReceivedV1[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const parsed = webhookReceivedV1Schema().safeParse(JSON.parse(line));
      if (parsed.success) messages.push(parsed.data);
      else onInvalid(key, index + 1, parsed.error.issues[0]?.message ?? 'invalid');
    } catch (error) {
      onInvalid(key, index + 1, (error as Error).message);
    }
  });
  return messages;
}

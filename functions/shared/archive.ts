// The archive of accepted webhooks (optional; the module's `archive` input): hydrate writes every webhook it
// receives, as ingest enqueued it (source, delivery id, event type, the sender's metadata, the payload, the time it
// was received), so `relay replay` can feed a time range through hydrate and deliver again. One object per
// invocation and hour of receipt, gzipped JSON Lines, under `archive/<YYYY>/<MM>/<DD>/<HH>/`, so a replay lists
// exactly the hours it covers (docs/adr/0019-webhook-archive.md). Locally the same objects live in a folder.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { WebhookReceivedV1 } from './stage/contracts.ts';

export const ARCHIVE_PREFIX = 'archive/';

/** `archive/2026/12/03/09/`: the prefix of one hour of receipts (UTC). */
export function archiveHourPrefix(time: Date): string {
  const iso = time.toISOString(); // 2026-12-03T09:15:00.000Z
  return `${ARCHIVE_PREFIX}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`;
}

/** Stores a batch of received webhooks; throws when they could not be stored (the batch is then retried). */
export interface ArchiveWriter {
  write(messages: readonly WebhookReceivedV1[]): Promise<void>;
}

/** One gzipped JSON Lines object per hour of receipt among the messages. */
function objectsOf(messages: readonly WebhookReceivedV1[]): { key: string; body: Buffer }[] {
  const byHour = new Map<string, WebhookReceivedV1[]>();
  for (const message of messages) {
    const prefix = archiveHourPrefix(new Date(message.received_at));
    byHour.set(prefix, [...(byHour.get(prefix) ?? []), message]);
  }
  return [...byHour].map(([prefix, group]) => ({
    key: `${prefix}${randomUUID()}.jsonl.gz`,
    body: gzipSync(group.map((m) => JSON.stringify(m)).join('\n') + '\n'),
  }));
}

export function createS3ArchiveWriter(client: S3Client, bucket: string): ArchiveWriter {
  return {
    async write(messages) {
      await Promise.all(
        objectsOf(messages).map(({ key, body }) =>
          client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentType: 'application/x-ndjson',
              ContentEncoding: 'gzip',
            }),
          ),
        ),
      );
    },
  };
}

/** Local mode's archive: the same objects as files under `dir`. */
export function createFolderArchiveWriter(dir: string): ArchiveWriter {
  return {
    async write(messages) {
      for (const { key, body } of objectsOf(messages)) {
        const file = path.join(dir, ...key.split('/'));
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, body);
      }
    },
  };
}

/** The writer the environment names: ARCHIVE_BUCKET in AWS, ARCHIVE_DIR in local mode, else none. */
export function archiveFromEnv(env: NodeJS.ProcessEnv, client: S3Client): ArchiveWriter | undefined {
  if (env.ARCHIVE_BUCKET) return createS3ArchiveWriter(client, env.ARCHIVE_BUCKET);
  if (env.ARCHIVE_DIR) return createFolderArchiveWriter(env.ARCHIVE_DIR);
  return undefined;
}

// The claim check (issue 10, item 1): a queue message holds at most MAX_MESSAGE_BYTES (262,144 bytes, the
// largest the module's AWS provider lets a queue have), while a webhook, a hydrated event or a dead letter can be
// larger. The queue port (sqs-queue.ts) stores such a body in the payload bucket and sends a ClaimCheckV1 in its
// place; the consuming stage (record-decoding.ts) loads the body back before it checks the message's contract. The
// bucket encrypts every object by default (SSE-S3, or the module's KMS key) and expires it by age, after the
// longest a message and its dead letter can live (terraform/payloads.tf), so nothing here deletes objects. A
// deferral or a dead letter starts a new message lifetime: the stage then stores the body again
// (renewClaimCheck), so the object's age starts with it (docs/adr/0014-claim-check-for-large-messages.md).
import { createHash, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { claimCheckV1Schema, type ClaimCheckV1 } from './contracts.ts';
import { PermanentError, RetryableError } from './errors.ts';
import { encodeMessageBody } from './message-body.ts';

export type ClaimCheckReference = ClaimCheckV1['claim_check'];

// Writer and reader are apart so that a bundle holds only the S3 calls its function makes (ingest only writes),
// which test/infra/code-actions.ts holds the IAM policies to.
export interface ClaimCheckWriter {
  /**
   * Stores a message body; the key names the writing stage, the source and a hash of the correlation id, and
   * ends in `id` (default: a new UUID).
   */
  store(body: string, correlationId: string, id?: string): Promise<ClaimCheckReference>;
}

export interface ClaimCheckReader {
  /** The body a reference was made for; a RetryableError when it cannot be read now, a PermanentError if gone. */
  load(reference: ClaimCheckReference): Promise<string>;
}

/** The queue limit when MAX_MESSAGE_BYTES is not set: the module's default (and the provider's ceiling). */
export const DEFAULT_MAX_MESSAGE_BYTES = 262_144;

/** MAX_MESSAGE_BYTES: the queues' max_message_size, which the module passes to every function. */
export function maxMessageBytesOf(env: NodeJS.ProcessEnv): number {
  const raw = env.MAX_MESSAGE_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_MESSAGE_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1_024 || value > 1_048_576)
    throw new Error(`MAX_MESSAGE_BYTES must be an integer from 1024 to 1048576, not ${JSON.stringify(raw)}`);
  return value;
}

/** A key part that is safe in an S3 key and an IAM resource: letters, digits, `-`, `_`, `.`. */
const keyPart = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || '_';

/**
 * `<stage>/<source>/<sha256 of the correlation id, 32 hex>/<uuid>.json`. The stage prefix is what IAM grants:
 * each function writes under its own stage and reads under the stage that feeds it.
 */
export function claimCheckKey(stage: string, correlationId: string, id: string = randomUUID()): string {
  const colon = correlationId.indexOf(':');
  const source = colon > 0 ? correlationId.slice(0, colon) : 'unknown';
  const hash = createHash('sha256').update(correlationId).digest('hex').slice(0, 32);
  return `${keyPart(stage)}/${keyPart(source)}/${hash}/${id}.json`;
}

export interface S3ClaimCheckOptions {
  /** The payload bucket (CLAIM_CHECK_BUCKET); without it store() fails, while load() reads any reference. */
  bucket: string | undefined;
  /** The writing stage: the first part of every key it stores. */
  stage: 'ingest' | 'hydrate' | 'deliver';
}

export function createS3ClaimCheckWriter(client: S3Client, options: S3ClaimCheckOptions): ClaimCheckWriter {
  return {
    async store(body, correlationId, id) {
      if (!options.bucket) throw new Error('CLAIM_CHECK_BUCKET is not set');
      const key = claimCheckKey(options.stage, correlationId, id);
      const bytes = Buffer.byteLength(body);
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json; charset=utf-8',
        }),
      );
      return { bucket: options.bucket, key, bytes };
    },
  };
}

export function createS3ClaimCheckReader(client: S3Client): ClaimCheckReader {
  return {
    async load(reference) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: reference.bucket, Key: reference.key }));
        const body = (await out.Body?.transformToString('utf-8')) ?? '';
        if (Buffer.byteLength(body) !== reference.bytes)
          throw new Error(`holds ${Buffer.byteLength(body)} bytes, not ${reference.bytes}`);
        return body;
      } catch (error) {
        const name = (error as Error).name;
        // Expired by the lifecycle rule (a message older than the queues' retention) or removed: no retry helps.
        if (name === 'NoSuchKey' || name === 'NoSuchBucket')
          throw new PermanentError(
            `the claim-checked body s3://${reference.bucket}/${reference.key} is gone (${name})`,
            'claim_check_missing',
            reference,
          );
        throw new RetryableError(
          `could not read the claim-checked body s3://${reference.bucket}/${reference.key}: ${(error as Error).message}`,
          'claim_check_unavailable',
        );
      }
    },
  };
}

/** The message that stands for a body stored by the claim check. */
export function claimCheckMessage(correlationId: string, reference: ClaimCheckReference): ClaimCheckV1 {
  return claimCheckV1Schema().parse({
    type: 'claim-check',
    version: 1,
    correlation_id: correlationId,
    claim_check: reference,
  });
}

/** The reference a parsed message body carries, when it is a ClaimCheckV1; undefined for any other message. */
export function claimCheckOf(value: unknown): ClaimCheckReference | undefined {
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'claim-check')
    return undefined;
  return claimCheckV1Schema().parse(value).claim_check;
}

/**
 * The body of a message whose new lifetime starts now (a deferral's copy, a dead letter's original): when it is
 * a claim check, the body it names is stored again by `writer` (under the writing stage's prefix) and a claim
 * check to that fresh object is returned, so the object's age, by which the payload bucket expires it, starts
 * with the new lifetime. The key ends in the body's SHA-256, so renewing one body again overwrites one object
 * (and a dead letter written again holds the same original). Any other body is returned as it is.
 */
export async function renewClaimCheck(
  messageBody: string,
  correlationId: string,
  ports: { reader: ClaimCheckReader; writer: ClaimCheckWriter },
): Promise<string> {
  // encodeMessageBody writes `type` first: any other message is left without parsing it.
  if (!messageBody.startsWith('{"type":"claim-check"')) return messageBody;
  let reference: ClaimCheckReference | undefined;
  try {
    reference = claimCheckOf(JSON.parse(messageBody));
  } catch {
    return messageBody; // not a claim check after all: the contract check says so
  }
  if (!reference) return messageBody;
  const body = await ports.reader.load(reference);
  const hash = createHash('sha256').update(body).digest('hex');
  const renewed = await ports.writer.store(body, correlationId, hash);
  return encodeMessageBody(claimCheckMessage(correlationId, renewed));
}

/** The claim check a function gets from its environment (CLAIM_CHECK_BUCKET, MAX_MESSAGE_BYTES). */
export function claimCheckFromEnv(
  env: NodeJS.ProcessEnv,
  client: S3Client,
  stage: S3ClaimCheckOptions['stage'],
) {
  const bucket = env.CLAIM_CHECK_BUCKET || undefined;
  const store = createS3ClaimCheckWriter(client, { bucket, stage });
  const maxMessageBytes = maxMessageBytesOf(env);
  return {
    /** Stores bodies for this stage (fails without CLAIM_CHECK_BUCKET). */
    store,
    maxMessageBytes,
    /** For createSqsQueue: stores bodies over the limit when there is a bucket to store them in. */
    queueOptions: { maxMessageBytes, ...(bucket && { claimCheck: store }) },
  };
}

// What a queue carries in place of or around another message: the claim check (a body too large for the queue,
// kept in S3: docs/adr/0014-claim-check-for-large-messages.md) and the dead letter (why a stage gave a message up:
// docs/adr/0012-deferral-and-dead-letters.md).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { nonEmptyString } from './fields.ts';

/**
 * Stands in a queue for a body larger than the queue holds (MAX_MESSAGE_BYTES): the body (any message above, or a
 * dead letter) is the S3 object the reference names, `bytes` long (UTF-8). claim-check.ts.
 */
export const claimCheckV1Schema = memo(() =>
  z.strictObject({
    type: z.literal('claim-check'),
    version: z.literal(1),
    correlation_id: nonEmptyString(),
    claim_check: z.strictObject({
      bucket: nonEmptyString(),
      key: z.string().check(z.minLength(1), z.maxLength(1024)),
      bytes: z.int().check(z.positive()),
    }),
  }),
);
export type ClaimCheckV1 = z.infer<ReturnType<typeof claimCheckV1Schema>>;

/** Attached to what a stage sends to its DLQ itself, so a person can see why without digging in logs. */
export const deadLetterV1Schema = memo(() =>
  z.strictObject({
    type: z.literal('dead-letter'),
    version: z.literal(1),
    stage: z.enum(['hydrate', 'deliver']),
    reason: nonEmptyString(),
    detail: z.optional(z.unknown()),
    failed_at: z.iso.datetime(),
    /** Failed receives, counting those before deferrals (absent on letters written before it was added). */
    attempts: z.optional(z.int().check(z.positive())),
    /** The error of the last failed receive, when the receives ran out (`reason: retries_exhausted`). */
    last_error: z.optional(z.strictObject({ reason: nonEmptyString(), message: z.string() })),
    original: z.string(),
  }),
);
export type DeadLetterV1 = z.infer<ReturnType<typeof deadLetterV1Schema>>;

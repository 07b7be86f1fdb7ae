// A dead letter that someone moves back to its stage's queue with SQS's own redrive (the console's "Start DLQ
// redrive", StartMessageMoveTask) arrives as the DeadLetterV1 envelope, not as the message. The stage takes the
// original out and processes it as new: its failures so far are forgiven (a person decided to try again), and
// if it fails again its dead letter holds the original, never an envelope inside an envelope. A letter too large
// for the DLQ was claim-checked under the stage's own key prefix (claim-check.ts), so a claim check there is
// opened to see whether it holds one.
import type { SQSRecord } from 'aws-lambda';
import { claimCheckOf, type ClaimCheckReader } from './claim-check.ts';
import { deadLetterV1Schema, type DeadLetterV1 } from './contracts.ts';
import { PermanentError } from './errors.ts';

/** What a stage needs to know to open a redriven letter. */
export interface RedriveContext {
  stage: DeadLetterV1['stage'];
  claimCheckReader: ClaimCheckReader | undefined;
  /** Message attributes that must not survive a redrive (the failed attempts of the earlier copies). */
  forgetAttributes: readonly string[];
}

/**
 * The record as the stage should see it: unchanged unless its body is this stage's dead letter (directly, or
 * through a claim check under the stage's prefix); then a copy whose body is the letter's original message.
 * Returns `redriven` (the letter's reason) so the stage can log it.
 */
export async function unwrapRedriven(
  record: SQSRecord,
  context: RedriveContext,
): Promise<{ record: SQSRecord; redriven?: DeadLetterV1 }> {
  const letterText = await letterTextOf(record.body, context);
  if (letterText === undefined) return { record };
  let parsed: ReturnType<ReturnType<typeof deadLetterV1Schema>['safeParse']>;
  try {
    parsed = deadLetterV1Schema().safeParse(JSON.parse(letterText));
  } catch {
    return { record }; // not JSON: the contract check says so
  }
  if (!parsed.success) return { record };
  const letter = parsed.data;
  if (letter.stage !== context.stage) {
    throw new PermanentError(
      `a ${letter.stage} dead letter was redriven to the ${context.stage} queue; redrive it to the ${letter.stage} queue`,
      'redriven_to_wrong_queue',
      { letter_stage: letter.stage, letter_reason: letter.reason },
    );
  }
  const messageAttributes = Object.fromEntries(
    Object.entries(record.messageAttributes).filter(([name]) => !context.forgetAttributes.includes(name)),
  );
  return { record: { ...record, body: letter.original, messageAttributes }, redriven: letter };
}

/** The text of a dead letter the body may be; undefined when it cannot be one (cheap checks before parsing). */
async function letterTextOf(body: string, context: RedriveContext): Promise<string | undefined> {
  // encodeMessageBody writes compact JSON with `type` first: a message of another type never matches this.
  if (body.startsWith('{"type":"dead-letter"')) return body;
  if (!body.startsWith('{"type":"claim-check"') || !context.claimCheckReader) return undefined;
  let reference: ReturnType<typeof claimCheckOf>;
  try {
    reference = claimCheckOf(JSON.parse(body));
  } catch {
    return undefined; // not a claim check after all: the contract check says so
  }
  // The stage's own prefix holds only what the stage wrote: its dead letters, the bodies it stored again for a
  // deferral or a letter (claim-check.ts, renewClaimCheck: loaded here and found not to be a letter), and, for
  // hydrate, its messages to deliver, which never come back to hydrate's queue.
  if (!reference?.key.startsWith(`${context.stage}/`)) return undefined;
  const text = await context.claimCheckReader.load(reference);
  return text.startsWith('{"type":"dead-letter"') ? text : undefined;
}

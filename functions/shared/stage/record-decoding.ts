// What a stage reads off an SQS record before it runs the use case: the correlation id, the original message
// of a dead letter redriven to the stage's queue, and the message itself (a claim check's body loaded first),
// checked against the stage's contract.
import type { SQSRecord } from 'aws-lambda';
import { claimCheckOf, type ClaimCheckReader } from './claim-check.ts';
import { PermanentError, type DeferredError } from './errors.ts';
import type { Logger } from '../logger.ts';
import { parseJson } from '../json/text.ts';
import { MetricUnit, type Metrics } from '../metrics.ts';
import { unwrapRedriven, type RedriveContext } from './redriven-letter.ts';
import type * as z from '../zod.ts';

/** The record's correlation id (`<source>:<delivery id>`), else its SQS message id. */
export function correlationOf(record: SQSRecord): string {
  return record.messageAttributes.correlation_id?.stringValue ?? record.messageId;
}

const contractViolation = (error: unknown) =>
  new PermanentError('message does not match its contract', 'contract_violation', String(error));

/**
 * The message a record carries: its body, or the body its claim check names (loaded first), checked against the
 * stage's contract. A contract violation and a claim check that is gone are PermanentErrors; a claim check that
 * cannot be read now is a RetryableError. A body that fails the contract because it is a kind the stage does not
 * know yet is what `deferUnknown` makes of it (StageOptions), when it says so.
 */
export async function decodeRecord<T>(
  record: SQSRecord,
  schema: z.ZodMiniType<T>,
  claimCheck: ClaimCheckReader | undefined,
  deferUnknown?: (value: unknown) => DeferredError | undefined,
): Promise<T> {
  let value: unknown;
  let reference: ReturnType<typeof claimCheckOf>;
  try {
    value = parseJson(record.body);
    reference = claimCheckOf(value);
  } catch (error) {
    throw contractViolation(error);
  }
  if (reference) {
    if (!claimCheck)
      throw new PermanentError('this stage cannot read claim checks', 'claim_check_unsupported', reference);
    const body = await claimCheck.load(reference);
    try {
      value = parseJson(body);
    } catch (error) {
      throw contractViolation(error);
    }
  }
  try {
    return schema.parse(value);
  } catch (error) {
    throw deferUnknown?.(value) ?? contractViolation(error);
  }
}

/**
 * The record to process: a dead letter redriven to this stage's queue by SQS becomes its original message
 * (redriven-letter.ts), logged and counted; any other record is itself.
 */
export async function openRecord(
  received: SQSRecord,
  redrive: RedriveContext,
  log: Logger,
  metrics: Metrics,
): Promise<SQSRecord> {
  const { record, redriven } = await unwrapRedriven(received, redrive);
  if (redriven) {
    log.info('processing a redriven dead letter again', {
      outcome: 'redriven',
      letter_reason: redriven.reason,
      letter_failed_at: redriven.failed_at,
    });
    metrics.addMetric('redriven', MetricUnit.Count, 1);
  }
  return record;
}

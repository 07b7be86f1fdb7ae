// A dead letter moved back to its queue by SQS's own redrive (console, StartMessageMoveTask) is processed again
// as its original message — not dead-lettered a second time as a contract_violation inside a second envelope.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ClaimCheckReader } from '../../functions/shared/stage/claim-check.ts';
import { deadLetterV1Schema, type DeadLetterV1 } from '../../functions/shared/stage/contracts.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { createMetrics } from '../../functions/shared/metrics.ts';
import { unwrapRedriven } from '../../functions/shared/stage/redriven-letter.ts';
import { FAILED_ATTEMPTS_ATTRIBUTE } from '../../functions/shared/stage/attempts.ts';
import { createSqsBatchStage } from '../../functions/shared/stage/batch-stage.ts';
import { createSqsStage } from '../../functions/shared/stage/record-stage.ts';
import * as z from '../../functions/shared/zod.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const schema = z.object({ n: z.number() });

function letter(stage: DeadLetterV1['stage'], original: string, reason = 'retries_exhausted'): DeadLetterV1 {
  return {
    type: 'dead-letter',
    version: 1,
    stage,
    reason,
    detail: 'gave up',
    failed_at: '2026-12-01T00:00:00.000Z',
    attempts: 10,
    original,
  };
}

function recordWith(body: string, id = 'm1'): SQSRecord {
  return sqsRecord({
    id,
    body,
    queue: 'q',
    messageAttributes: {
      correlation_id: { stringValue: 'demo:1', dataType: 'String' },
      [FAILED_ATTEMPTS_ATTRIBUTE]: { stringValue: '9', dataType: 'Number' },
    },
  });
}

function recordingSqs() {
  const commands: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      commands.push({ name: command.constructor.name, input: command.input });
      return Promise.resolve({});
    },
  } as unknown as SQSClient;
  return { client, commands };
}

const stageOptions = (sqs: SQSClient) => ({
  schema,
  sqs,
  queueUrl: 'http://sqs.local/000000000000/q',
  dlqUrl: 'http://sqs.local/000000000000/q-dlq',
  maxReceiveCount: 10,
  logger: createLogger('hydrate'),
  metrics: createMetrics('hydrate'),
});

describe('a dead letter redriven by SQS', () => {
  it('is processed as its original message, its earlier failures forgiven', async () => {
    const seen: unknown[] = [];
    const sqs = recordingSqs();
    const stage = createSqsStage({
      ...stageOptions(sqs.client),
      stage: 'hydrate',
      process: (message) => {
        seen.push(message);
        return Promise.resolve();
      },
    });
    const out = await stage(
      { Records: [recordWith(encodeMessageBody(letter('hydrate', '{"n":7}')))] },
      context,
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(seen).toEqual([{ n: 7 }]);
    expect(sqs.commands).toEqual([]); // nothing dead-lettered

    const opened = await unwrapRedriven(recordWith(encodeMessageBody(letter('hydrate', '{"n":7}'))), {
      stage: 'hydrate',
      claimCheckReader: undefined,
      forgetAttributes: [FAILED_ATTEMPTS_ATTRIBUTE],
    });
    expect(opened.record.body).toBe('{"n":7}');
    expect(Object.keys(opened.record.messageAttributes)).toEqual(['correlation_id']);
    expect(opened.redriven?.reason).toBe('retries_exhausted');
  });

  it('failing again, its new dead letter holds the original, not the old envelope', async () => {
    const sqs = recordingSqs();
    const stage = createSqsBatchStage({
      ...stageOptions(sqs.client),
      stage: 'deliver',
      processBatch: (records) =>
        Promise.resolve(
          new Map(
            records.map((r) => [
              r.id,
              { kind: 'dead-letter' as const, error: new PermanentError('Klaviyo said 400', 'klaviyo_400') },
            ]),
          ),
        ),
    });
    await stage(
      { Records: [recordWith(encodeMessageBody(letter('deliver', '{"n":3}', 'klaviyo_503')))] },
      context,
    );
    const sent = sqs.commands.filter((c) => c.name === 'SendMessageBatchCommand');
    const entries = sent[0]?.input.Entries as { MessageBody: string }[];
    const newLetter = deadLetterV1Schema().parse(JSON.parse(entries[0]?.MessageBody ?? ''));
    expect(newLetter.reason).toBe('klaviyo_400');
    expect(newLetter.original).toBe('{"n":3}');
    expect(newLetter.attempts).toBe(1);
  });

  it('redriven to the wrong stage’s queue, it is dead-lettered with a reason that says where it belongs', async () => {
    const sqs = recordingSqs();
    const stage = createSqsStage({
      ...stageOptions(sqs.client),
      stage: 'deliver',
      process: () => Promise.resolve(),
    });
    await stage({ Records: [recordWith(encodeMessageBody(letter('hydrate', '{"n":1}')))] }, context);
    const sent = sqs.commands.find((c) => c.name === 'SendMessageCommand');
    const newLetter = deadLetterV1Schema().parse(JSON.parse(sent?.input.MessageBody as string));
    expect(newLetter.reason).toBe('redriven_to_wrong_queue');
    expect(newLetter.detail).toEqual({ letter_stage: 'hydrate', letter_reason: 'retries_exhausted' });
  });

  it('a letter too large for the DLQ (claim-checked under the stage’s prefix) is opened too', async () => {
    const loads: string[] = [];
    const reader: ClaimCheckReader = {
      load: (reference) => {
        loads.push(reference.key);
        return Promise.resolve(encodeMessageBody(letter('deliver', '{"n":42}')));
      },
    };
    const seen: unknown[] = [];
    const stage = createSqsStage({
      ...stageOptions(recordingSqs().client),
      stage: 'deliver',
      claimCheckReader: reader,
      process: (message) => {
        seen.push(message);
        return Promise.resolve();
      },
    });
    const claimCheck = (key: string) =>
      encodeMessageBody({
        type: 'claim-check',
        version: 1,
        correlation_id: 'demo:1',
        claim_check: { bucket: 'payloads', key, bytes: 300_000 },
      });
    await stage({ Records: [recordWith(claimCheck('deliver/demo/abc/1.json'))] }, context);
    expect(seen).toEqual([{ n: 42 }]);
    expect(loads).toEqual(['deliver/demo/abc/1.json']); // loaded once: the letter, then its original inline

    // A claim check from the stage that feeds this one is an ordinary message: not opened twice.
    const opened = await unwrapRedriven(recordWith(claimCheck('hydrate/demo/abc/2.json')), {
      stage: 'deliver',
      claimCheckReader: reader,
      forgetAttributes: [],
    });
    expect(opened.redriven).toBeUndefined();
    expect(loads).toHaveLength(1);
  });

  it('ordinary messages pass through untouched', async () => {
    const record = recordWith('{"n":1}');
    const opened = await unwrapRedriven(record, {
      stage: 'hydrate',
      claimCheckReader: undefined,
      forgetAttributes: [],
    });
    expect(opened.record).toBe(record);
  });
});

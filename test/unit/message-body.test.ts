// Queue message bodies: every valid JSON text must survive every queue, whatever characters its strings hold.
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeMessageBody,
  toQueueSafeJson,
  toQueueSafeText,
} from '../../functions/shared/stage/message-body.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import type { SqsEmulator } from '../../local/sqs/emulator.ts';
import { startSqsWithClient, stopSqsWithClient } from '../helpers/sqs-emulator.ts';

// What SQS refuses: anything outside #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF.
// eslint-disable-next-line no-control-regex
const SQS_REFUSES = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Strings a webhook or a source API can hand us in valid JSON (lone surrogates arrive as `\ud800` escapes). */
const AWKWARD = {
  ffff: 'a\uFFFFb',
  fffe: '\uFFFE',
  emoji: 'Zoë 😀 👩🏽‍💻',
  lone_high: 'x\uD800y',
  lone_low: '\uDC00',
  high_at_end: 'end\uD83D',
  controls: '\u0000\u0008\u001f\u007f\u0085',
  ['clé \uFFFF 😀 \uDBFF']: 'keys too',
  nested: [{ deep: ['\uFFFE\uD800😀'] }, 1, null, true],
};

describe('encodeMessageBody', () => {
  it('writes nothing SQS refuses', () => {
    expect(SQS_REFUSES.test(JSON.stringify(AWKWARD))).toBe(true); // what JSON.stringify alone would send
    expect(SQS_REFUSES.test(encodeMessageBody(AWKWARD))).toBe(false);
  });

  it('gives back the exact value on JSON.parse, lone surrogates included', () => {
    expect(JSON.parse(encodeMessageBody(AWKWARD))).toStrictEqual(AWKWARD);
    for (const value of Object.values(AWKWARD)) {
      expect(JSON.parse(encodeMessageBody(value))).toStrictEqual(value);
    }
  });

  it('escapes only what SQS refuses, so other text costs what its UTF-8 costs', () => {
    expect(encodeMessageBody({ a: '\uFFFF😀é\uFFFE', b: 'plain "q" \n', c: 'x\uD800' })).toBe(
      '{"a":"\\uffff😀é\\ufffe","b":"plain \\"q\\" \\n","c":"x\\ud800"}',
    );
    const text = { name: 'Zoë 😀 日本語 Ærøskøbing' };
    expect(encodeMessageBody(text)).toBe(JSON.stringify(text));
  });

  it('toQueueSafeText writes each character SQS refuses as \\uXXXX', () => {
    expect(toQueueSafeText('id-\u0000\u007f\uFFFF😀\uDC00 ok')).toBe('id-\\u0000\u007f\\uffff😀\\udc00 ok');
    expect(toQueueSafeText('plain-1')).toBe('plain-1');
  });

  it('toQueueSafeJson re-encodes a JSON text without changing its value, and is idempotent', () => {
    const raw = JSON.stringify(AWKWARD);
    expect(SQS_REFUSES.test(raw)).toBe(true); // what JSON.stringify alone would send
    const ascii = toQueueSafeJson(raw);
    expect(ascii).toBe(encodeMessageBody(AWKWARD));
    expect(toQueueSafeJson(ascii)).toBe(ascii);
  });
});

describe('the SQS queue port', () => {
  let emulator: SqsEmulator;
  let sqs: SQSClient;
  beforeAll(async () => {
    ({ emulator, sqs } = await startSqsWithClient());
  });
  afterAll(async () => {
    await stopSqsWithClient({ emulator, sqs });
  });

  it('sends bodies whose strings hold characters SQS refuses, one by one and in batches, and they come back exact', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'awkward' }));
    if (!QueueUrl) throw new Error('no queue url');
    const queue = createSqsQueue(sqs, QueueUrl);
    // Callers that still hand over JSON.stringify output (raw U+FFFF, raw emoji) are encoded by the port.
    await queue.send({ body: JSON.stringify({ n: 0, v: AWKWARD }), correlationId: 'c0\uFFFF😀\uD800' });
    const { failedIds, reasons } = await queue.sendBatch(
      [1, 2, 3].map((n) => ({
        id: String(n),
        body: JSON.stringify({ n, v: AWKWARD }),
        correlationId: `c${n}`,
      })),
    );
    expect({ failedIds, reasons }).toEqual({ failedIds: [], reasons: [] });

    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    const received = (out.Messages ?? []).map((m) => ({
      ...(JSON.parse(m.Body ?? '') as { n: number; v: unknown }),
      correlation: m.MessageAttributes?.correlation_id?.StringValue,
    }));
    expect(received.map((m) => m.n).sort()).toEqual([0, 1, 2, 3]);
    for (const message of received) expect(message.v).toStrictEqual(AWKWARD);
    // The correlation id attribute (SQS holds it to the body's rule) has its refused characters escaped.
    expect(received.find((m) => m.n === 0)?.correlation).toBe('c0\\uffff😀\\ud800');
  });
});

// Local SQS for local mode and tests: fauxqs (npm) speaks the AWS JSON 1.0 protocol that @aws-sdk/client-sqs v3
// uses and implements redrive; docs/adr/0001-local-sqs-emulator.md says why this one and what differs from SQS.
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';

export interface SqsEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind. Loopback by default: the emulator has no authentication. */
  host?: string;
}

export interface SqsEmulator {
  /** Base URL for `new SQSClient({ endpoint })`. Queue URLs are `${endpoint}/000000000000/<name>`. */
  endpoint: string;
  close(): Promise<void>;
}

/** The account id in every queue URL and ARN; the region in ARNs is the client's signing region. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Operations whose answers carry queue URLs. Only these are rewritten, so message bodies are never touched. */
const RETURNS_QUEUE_URLS = new Set([
  'AmazonSQS.CreateQueue',
  'AmazonSQS.GetQueueUrl',
  'AmazonSQS.ListQueues',
]);

/** fauxqs's own queue URL form, `http://sqs.<region>.localhost:<port>/`. */
const FAUXQS_QUEUE_URL_ORIGIN = /http:\/\/sqs\.[a-z0-9-]+\.localhost:\d+\//g;

/**
 * A character SQS refuses in a message body. SQS allows #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD |
 * #x10000 to #x10FFFF: with the `u` flag a surrogate pair is one character (allowed) and a lone surrogate is
 * one character outside every range (refused).
 */
// eslint-disable-next-line no-control-regex
export const SQS_REFUSED_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

let characterRuleFixed: Promise<void> | undefined;

/**
 * fauxqs 2.4.1 checks bodies with `/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/` (no `u` flag), so both halves of
 * every surrogate pair fail it and it refuses every character outside the BMP (any emoji) that SQS accepts.
 * SendMessage, SendMessageBatch and its in-process sendMessage all call `.test` on that one exported RegExp,
 * so giving that object SQS's rule makes every path refuse exactly what SQS refuses. Fails loudly if a fauxqs
 * upgrade moves it; test/unit/sqs-emulator.test.ts pins the behaviour.
 */
function useSqsCharacterRule(): Promise<void> {
  characterRuleFixed ??= (async () => {
    const url = new URL('./sqs/sqsTypes.js', import.meta.resolve('fauxqs'));
    const types = (await import(url.href)) as { INVALID_MESSAGE_BODY_CHAR?: unknown };
    const check = types.INVALID_MESSAGE_BODY_CHAR;
    if (!(check instanceof RegExp)) {
      throw new Error(
        `fauxqs changed: ${url.href} has no INVALID_MESSAGE_BODY_CHAR; see local/sqs/emulator.ts`,
      );
    }
    Object.defineProperty(check, 'test', {
      value: (text: string) => SQS_REFUSED_CHARACTER.test(text),
    });
  })();
  return characterRuleFixed;
}

/** Whether a message attribute map holds a String or Number value with a character SQS refuses. */
function refusesAttributes(attributes: unknown): boolean {
  if (typeof attributes !== 'object' || attributes === null) return false;
  return Object.values(attributes).some((value: unknown) => {
    const text = (value as { StringValue?: unknown } | null)?.StringValue;
    return typeof text === 'string' && SQS_REFUSED_CHARACTER.test(text);
  });
}

/**
 * SQS holds String and Number attribute values to the body's character rule; fauxqs does not check them. A
 * message whose attributes SQS would refuse gets U+FFFF put before its body, so fauxqs refuses it with
 * InvalidMessageContents where SQS would: the whole call for SendMessage, that entry for SendMessageBatch,
 * after the batch-wide checks. (The body grows by 3 bytes in the batch size fauxqs adds up.)
 */
function refuseBadAttributes(message: unknown): void {
  if (typeof message !== 'object' || message === null) return;
  const entry = message as { MessageBody?: unknown; MessageAttributes?: unknown };
  if (
    typeof entry.MessageBody === 'string' &&
    entry.MessageBody !== '' &&
    refusesAttributes(entry.MessageAttributes)
  ) {
    entry.MessageBody = `\uFFFF${entry.MessageBody}`;
  }
}

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const host = options.host ?? '127.0.0.1';
  await useSqsCharacterRule();
  // buildApp rather than startFauxqs: startFauxqs binds 0.0.0.0 and reads FAUXQS_* environment variables.
  const app = buildApp({ logger: false });
  let endpoint = '';
  // Message attribute values, held to the body's character rule (refuseBadAttributes).
  app.addHook('preHandler', (request, _reply, done) => {
    const target = request.headers['x-amz-target'];
    const body = request.body as { Entries?: unknown } | null | undefined;
    if (target === 'AmazonSQS.SendMessage') refuseBadAttributes(body);
    if (target === 'AmazonSQS.SendMessageBatch' && Array.isArray(body?.Entries)) {
      for (const entry of body.Entries as unknown[]) refuseBadAttributes(entry);
    }
    done();
  });
  // fauxqs names queues `sqs.<region>.localhost`, which does not resolve here, and the SDK sends each request to
  // its QueueUrl's host unless the client was given an endpoint in code (AWS_ENDPOINT_URL_SQS does not count).
  // Handing out URLs on this server's own address keeps queue URLs usable by any client; fauxqs finds a queue by
  // the last path segment of whatever URL it is given.
  app.addHook('onSend', (request, _reply, payload) => {
    const target = request.headers['x-amz-target'];
    if (typeof payload !== 'string' || typeof target !== 'string' || !RETURNS_QUEUE_URLS.has(target)) {
      return Promise.resolve(payload);
    }
    return Promise.resolve(payload.replace(FAUXQS_QUEUE_URL_ORIGIN, `${endpoint}/`));
  });
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { endpoint, close: () => app.close() };
}

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

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const host = options.host ?? '127.0.0.1';
  // buildApp rather than startFauxqs: startFauxqs binds 0.0.0.0 and reads FAUXQS_* environment variables.
  const app = buildApp({ logger: false });
  let endpoint = '';
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

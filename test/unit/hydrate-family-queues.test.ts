// Hydrate sends each deliver message to its family's queue (DELIVER_QUEUE_URLS; a family left out goes to
// DELIVER_QUEUE_URL, the events queue), claim checks included, and refuses a bad map at cold start
// (docs/adr/0036-a-deliver-queue-per-family.md).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const CONSENT_QUEUE = 'http://sqs.local/000000000000/deliver-consent';
const PROFILES_QUEUE = 'http://sqs.local/000000000000/deliver-profiles';

/** An SQS client and S3 client that record what is sent where. */
function recording() {
  const sent: { queueUrl: string; body: string }[] = [];
  const stored: string[] = [];
  const sqs = {
    send: (command: { input: { QueueUrl?: string; Entries?: { MessageBody?: string }[] } }) => {
      for (const entry of command.input.Entries ?? [])
        if (entry.MessageBody !== undefined)
          sent.push({ queueUrl: String(command.input.QueueUrl), body: entry.MessageBody });
      return Promise.resolve({ Successful: [], Failed: [] });
    },
  } as unknown as SQSClient;
  const s3 = {
    send: (command: { input: { Key?: string } }) => {
      stored.push(String(command.input.Key));
      return Promise.resolve({});
    },
  };
  return { sqs, s3, sent, stored };
}

const config = relayConfigSchema().parse({
  version: 1,
  sources: {
    shop: {
      kind: 'shopify',
      secrets: [{ env: 'S' }],
      mapping: {
        profile: { email: ['event.email'], as_of: 'event.updated_at' },
        emit: 'both',
        metric: 'Customer Updated',
        profile_attributes: { first_name: 'event.first_name' },
        list: 'News12',
        subscriptions: [{ id: 'email', channel: 'email', as_of: 'event.updated_at' }],
      },
    },
  },
  klaviyo: { api_key: { env: 'K' } },
});

const customer = (firstName = 'Ada') => ({
  email: 'ada@example.com',
  first_name: firstName,
  updated_at: '2026-11-20T09:00:00Z',
});

function hydrateWith(env: Record<string, string>, ports = recording()) {
  const handler = createHydrateHandler({
    env: { ...HYDRATE_QUEUES_ENV, ...env },
    sqs: ports.sqs,
    s3: ports.s3 as never,
    loadConfig: () => Promise.resolve(config),
    resolveSecret: () => Promise.resolve('secret'),
  });
  const run = (payload: unknown) =>
    handler(
      {
        Records: [
          stageMessageRecord(
            'h1',
            webhookReceived({
              source: 'shop',
              id: 'd-1',
              eventType: 'customers/update',
              receivedAt: '2026-11-23T10:00:00.000Z',
              payload,
            }),
            'hydrate',
          ),
        ],
      },
      lambdaContext('hydrate', 'ctx-families', 30_000),
    );
  return { run, ...ports };
}

const typesOn = (sent: { queueUrl: string; body: string }[], queueUrl: string) =>
  sent.filter((s) => s.queueUrl === queueUrl).map((s) => (JSON.parse(s.body) as { type: string }).type);

describe('hydrate and the deliver queue per family', () => {
  it("sends each message to its family's queue", async () => {
    const { run, sent } = hydrateWith({
      DELIVER_QUEUE_URLS: JSON.stringify({ consent: CONSENT_QUEUE, profiles: PROFILES_QUEUE }),
    });
    const out = await run(customer());
    expect(out.batchItemFailures).toEqual([]);
    expect(typesOn(sent, HYDRATE_QUEUES_ENV.DELIVER_QUEUE_URL)).toEqual(['klaviyo.event']);
    expect(typesOn(sent, CONSENT_QUEUE)).toEqual(['klaviyo.consent']);
    expect(typesOn(sent, PROFILES_QUEUE)).toEqual(['klaviyo.profile-upsert']);
  });

  it('sends a family left out of DELIVER_QUEUE_URLS (or all, without it) to DELIVER_QUEUE_URL', async () => {
    const partial = hydrateWith({ DELIVER_QUEUE_URLS: JSON.stringify({ consent: CONSENT_QUEUE }) });
    await partial.run(customer());
    expect(typesOn(partial.sent, HYDRATE_QUEUES_ENV.DELIVER_QUEUE_URL).sort()).toEqual([
      'klaviyo.event',
      'klaviyo.profile-upsert',
    ]);
    expect(typesOn(partial.sent, CONSENT_QUEUE)).toEqual(['klaviyo.consent']);

    const none = hydrateWith({});
    await none.run(customer());
    expect(none.sent.map((s) => s.queueUrl)).toEqual(Array(3).fill(HYDRATE_QUEUES_ENV.DELIVER_QUEUE_URL));
  });

  it("stores a body too large for its family's queue as a claim check, sent on that queue", async () => {
    const { run, sent, stored } = hydrateWith({
      DELIVER_QUEUE_URLS: JSON.stringify({ consent: CONSENT_QUEUE, profiles: PROFILES_QUEUE }),
      CLAIM_CHECK_BUCKET: 'payloads',
      MAX_MESSAGE_BYTES: '2048',
    });
    const out = await run(customer('x'.repeat(4_000)));
    expect(out.batchItemFailures).toEqual([]);
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(typesOn(sent, PROFILES_QUEUE)).toEqual(['claim-check']);
    expect(typesOn(sent, CONSENT_QUEUE)).toEqual(['klaviyo.consent']);
  });

  it.each([
    ['not JSON', '{consent:', /DELIVER_QUEUE_URLS is not JSON/],
    ['not an object', '["a"]', /DELIVER_QUEUE_URLS must be a JSON object/],
    ['an unknown family', JSON.stringify({ deliver: CONSENT_QUEUE }), /unknown deliver family "deliver"/],
    ['not a URL', JSON.stringify({ consent: 'deliver-consent' }), /URL of consent is not an http\(s\) URL/],
    [
      'events elsewhere',
      JSON.stringify({ events: CONSENT_QUEUE }),
      /names events at another URL than DELIVER_QUEUE_URL/,
    ],
  ])('refuses a DELIVER_QUEUE_URLS that is %s at cold start', (_, value, message) => {
    expect(() => hydrateWith({ DELIVER_QUEUE_URLS: value })).toThrow(message);
  });
});

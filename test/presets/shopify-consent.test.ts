// The shopify preset's marketing consent, topic by topic (fixtures written from Shopify's documented webhook
// payloads): since API version 2025-01 on the consent topics, before it in the customer payload (the
// X-Shopify-API-Version header says which); subscribed → a historical-import subscription at consent_updated_at,
// unsubscribed → an unsubscription, pending and not_subscribed → nothing; each versioned by consent_updated_at.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mapWebhookFile } from '../../cli/commands/map.ts';
import {
  expectContractValid,
  expectedConsent,
  fixtureName,
  mapPresetCase,
  readExpected,
  type PresetCase,
} from '../helpers/preset-cases.ts';
import { klaviyoConsentV1Schema } from '../../functions/shared/stage/contracts.ts';

const headersFor = (topic: string, eventId: string, apiVersion = '2025-07') => [
  `x-shopify-topic:${topic}`,
  `x-shopify-event-id:${eventId}`,
  'x-shopify-shop-domain:northwind-outfitters.myshopify.com',
  `x-shopify-api-version:${apiVersion}`,
];

const EMAIL_TOPIC = 'customers_email_marketing_consent/update';
const SMS_TOPIC = 'customers_marketing_consent/update';

const cases: (PresetCase & { kinds: string[] })[] = [
  // 2025-01 and later: consent on its own topics.
  {
    topic: EMAIL_TOPIC,
    headers: headersFor(EMAIL_TOPIC, 'evt-consent-email-1'),
    kinds: ['email subscribed'],
  },
  { topic: SMS_TOPIC, headers: headersFor(SMS_TOPIC, 'evt-consent-sms-1'), kinds: ['sms unsubscribed'] },
  // Before 2025-01: in the customer payload, beside the profile upsert.
  {
    topic: 'customers/update',
    fixture: 'customers-update-2024-10',
    headers: headersFor('customers/update', 'evt-customer-legacy-1', '2024-10'),
    kinds: ['email subscribed'],
  },
  {
    topic: 'customers/create',
    fixture: 'customers-create-2024-10',
    headers: headersFor('customers/create', 'evt-customer-legacy-2', '2024-10'),
    kinds: ['sms subscribed', 'email unsubscribed'],
  },
];

describe('shopify preset: marketing consent', () => {
  it.each(cases)('$topic ($fixture) → the expected consent writes', async (c) => {
    const result = await mapPresetCase('shopify', c);
    expect(result.failure).toBeUndefined();
    expect(result.consent.map((m) => `${m.channel} ${m.consent}`)).toEqual(c.kinds);
    expect(result.consent).toEqual(await expectedConsent('shopify', c, result.consent));
    for (const m of result.consent) expect(klaviyoConsentV1Schema().safeParse(m).success).toBe(true);
    expectContractValid(result.requests);
  });

  it('a subscription is a historical import at consent_updated_at, versioned by it', async () => {
    const c = cases[0];
    if (!c) throw new Error('no case');
    const [write] = (await mapPresetCase('shopify', c)).consent;
    expect(write).toMatchObject({
      profile: { email: 'grace.hopper@example.com' },
      consented_at: '2026-11-24T13:12:30.000Z',
      as_of: '2026-11-24T13:12:30.000Z',
    });
  });

  it('before 2025-01 the customer topics also upsert the profile, versioned by the customer updated_at', async () => {
    const c = cases[2];
    if (!c) throw new Error('no case');
    const result = await mapPresetCase('shopify', c);
    expect(result.requests.map((r) => r.path)).toEqual([
      '/api/profile-import',
      '/api/profile-subscription-bulk-create-jobs',
    ]);
  });

  it('from 2025-01 the customer topics write no consent, even if the payload carried it', async () => {
    const result = await mapPresetCase('shopify', {
      topic: 'customers/update',
      fixture: 'customers-update-2024-10',
      headers: headersFor('customers/update', 'evt-customer-new', '2025-01'),
    });
    expect(result.consent).toEqual([]);
    expect(result.requests.map((r) => r.path)).toEqual(['/api/profile-import']);
  });

  it('pending (and not_subscribed) writes no consent and is no failure', async () => {
    const result = await mapPresetCase('shopify', {
      topic: EMAIL_TOPIC,
      fixture: 'customers_email_marketing_consent-update-pending',
      headers: headersFor(EMAIL_TOPIC, 'evt-consent-pending'),
    });
    expect(result.failure).toBeUndefined();
    expect(result.consent).toEqual([]);
    expect(result.requests).toEqual([]);
  });

  it('a consent_updated_at in the future, and an SMS phone that is not E.164, are skipped with the reason', async () => {
    const future = await mapPresetCase('shopify', {
      topic: EMAIL_TOPIC,
      fixture: 'customers_email_marketing_consent-update-future',
      headers: headersFor(EMAIL_TOPIC, 'evt-consent-future'),
    });
    expect(future.failure).toBeUndefined();
    expect(future.consent).toEqual([]);
    const [skip, ...more] = future.skipped as { where: string; reason: string }[];
    expect(more).toEqual([]);
    expect(skip?.where).toBe('sources.shopify.mapping.subscriptions[0].consented_at');
    expect(skip?.reason).toMatch(
      /^consented_at 2099-01-01T05:00:00\.000Z is after the webhook was received \(.+\); Klaviyo takes only a past one$/,
    );
    const phone = await mapPresetCase('shopify', {
      topic: SMS_TOPIC,
      fixture: 'customers_marketing_consent-update-not-e164',
      headers: headersFor(SMS_TOPIC, 'evt-consent-phone'),
    });
    expect(phone.failure).toBeUndefined();
    expect(phone.skipped).toEqual([
      {
        where: 'sources.shopify.mapping.subscriptions[1]',
        reason: 'the phone number is not E.164 (a + and the country code, digits only, e.g. +12075550142)',
      },
    ]);
  });

  it('subscribes into the list the source names (a name of klaviyo.lists); unsubscribes from the channel', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shopify-consent-'));
    const config = path.join(dir, 'relay.json');
    await writeFile(
      config,
      JSON.stringify({
        version: 1,
        sources: {
          shop: {
            kind: 'shopify',
            preset: 'shopify',
            secrets: [{ env: 'S' }],
            mapping: { list: 'newsletter' },
          },
        },
        klaviyo: { api_key: { env: 'K' }, lists: { newsletter: 'News12' } },
      }),
    );
    const mapped = (c: PresetCase | undefined) => {
      if (!c) throw new Error('no case');
      return mapWebhookFile({
        config,
        source: 'shop',
        file: path.join('test/fixtures/presets/shopify', `${fixtureName(c)}.json`),
        header: c.headers,
      });
    };
    expect((await mapped(cases[0])).consent).toMatchObject([{ consent: 'subscribed', list_id: 'News12' }]);
    expect((await mapped(cases[1])).consent[0]).not.toHaveProperty('list_id');
  });

  it('relay map prints the consent writes (JSON and text)', async () => {
    const args = [
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      'cli/relay.ts',
      'map',
      '--preset',
      'shopify',
      '--file',
      'test/fixtures/presets/shopify/customers_email_marketing_consent-update.json',
      '--header',
      `x-shopify-topic:${EMAIL_TOPIC}`,
      '--delivery-id',
      'evt-consent-email-1',
    ];
    const run = promisify(execFile);
    const json = JSON.parse((await run(process.execPath, [...args, '--json'])).stdout) as {
      consent: unknown[];
    };
    const c = cases[0];
    if (!c) throw new Error('no case');
    expect(json.consent).toEqual(await readExpected('shopify', c, '.consent'));
    const text = (await run(process.execPath, args)).stdout;
    expect(text).toContain('POST /api/profile-subscription-bulk-create-jobs');
    expect(text).toContain('consent: email subscribed as of 2026-11-24T13:12:30.000Z');
    expect(text).not.toContain('nothing would be sent');
  });
});

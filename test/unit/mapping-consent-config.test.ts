// The consent part of a mapping's configuration (`subscriptions`, `unsubscriptions`, `list`, `profile.as_of`) and
// `klaviyo.lists`: what is accepted, what is refused at load with the field and a clear reason, and how a source's
// consent entries lie over its preset's (by id).
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseRelayConfig,
  parseRelayConfigPerSource,
} from '../../functions/shared/config/relay-config.ts';
import { isListId, resolveListId } from '../../functions/shared/config/klaviyo-lists.ts';

const documentWith = (mapping: unknown, lists?: Record<string, string>) => ({
  version: 1,
  sources: { shop: { kind: 'shopify', secrets: [{ ssm: '/relay/shopify' }], mapping } },
  klaviyo: { api_key: { ssm: '/relay/klaviyo' }, ...(lists && { lists }) },
});

const parse = (document: unknown) => parseRelayConfig(JSON.stringify(document), 'test.json');

function problemsOf(document: unknown): string {
  try {
    parse(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
}

const subscribe = {
  id: 'email',
  channel: 'email',
  event_types: ['customers/update'],
  when: { expr: "event.email_marketing_consent.state = 'subscribed'" },
  consented_at: 'event.email_marketing_consent.consent_updated_at',
  as_of: 'event.email_marketing_consent.consent_updated_at',
};

describe('mapping consent configuration', () => {
  it('accepts subscriptions, unsubscriptions, a default list and profile.as_of', () => {
    const config = parse(
      documentWith(
        {
          profile: { as_of: 'event.updated_at' },
          list: 'newsletter',
          subscriptions: [
            subscribe,
            { id: 'sms', channel: 'sms', list: 'Y6nRLr', profile: { phone_number: ['event.phone'] } },
          ],
          unsubscriptions: [{ id: 'email', channel: 'email', when: 'event.unsubscribed' }],
        },
        { newsletter: 'AbC123' },
      ),
    );
    const mapping = config.sources.shop?.mapping;
    expect(mapping?.profile.as_of).toBe('event.updated_at');
    expect(mapping?.subscriptions?.map((s) => [s.id, s.channel, s.list])).toEqual([
      ['email', 'email', undefined],
      ['sms', 'sms', 'Y6nRLr'],
    ]);
    expect(mapping?.unsubscriptions?.[0]?.channel).toBe('email');
    // The identifiers an entry does not set stay the mapping's.
    expect(mapping?.subscriptions?.[1]?.profile).toEqual({ phone_number: ['event.phone'] });
    expect(config.klaviyo.lists).toEqual({ newsletter: 'AbC123' });
  });

  it('klaviyo.lists defaults to none', () => {
    expect(parse(documentWith({})).klaviyo.lists).toEqual({});
  });

  it('refuses bad entries with the field and a clear reason', () => {
    const bad = (entry: Record<string, unknown>, field = 'subscriptions') =>
      problemsOf(documentWith({ [field]: [entry] }));
    expect(bad({ channel: 'email' })).toContain('sources.shop.mapping.subscriptions.0.id');
    expect(bad({ id: 'push', channel: 'push' })).toMatch(
      /sources\.shop\.mapping\.subscriptions\.0\.channel: Invalid option: expected one of "email"\|"sms"/,
    );
    expect(bad({ id: 'Email', channel: 'email' })).toContain('subscriptions.0.id: lower_snake_case');
    expect(bad({ id: 'e', channel: 'email', consented_at: { expr: 'event.(' } })).toContain(
      'subscriptions.0.consented_at.expr: JSONata syntax error',
    );
    expect(bad({ id: 'e', channel: 'email', as_of: 'not a path' })).toContain('subscriptions.0.as_of');
    expect(bad({ id: 'e', channel: 'email', profile: { mail: ['event.email'] } })).toContain(
      'subscriptions.0.profile: Unrecognized key: "mail"',
    );
    // An unsubscription has no consented_at: Klaviyo takes it with a subscription only.
    expect(bad({ id: 'e', channel: 'email', consented_at: 'event.at' }, 'unsubscriptions')).toContain(
      'unsubscriptions.0: Unrecognized key: "consented_at"',
    );
    expect(
      problemsOf(documentWith({ subscriptions: [subscribe, { ...subscribe, channel: 'sms' }] })),
    ).toContain('subscriptions.1.id: entry 1 has the id "email" of an earlier entry');
    expect(problemsOf(documentWith({ subscriptions: [] }))).toContain('subscriptions: Too small');
    expect(problemsOf(documentWith({ profile: { as_of: { expr: '$now(' } } }))).toContain(
      'sources.shop.mapping.profile.as_of.expr: JSONata syntax error',
    );
  });

  it('refuses a list name klaviyo.lists does not hold, naming those it does', () => {
    const lists = { newsletter: 'AbC123', vip: 'XyZ789' };
    expect(problemsOf(documentWith({ list: 'newsleter' }, lists))).toContain(
      'sources.shop.mapping.list: unknown list "newsleter": klaviyo.lists names newsletter, vip',
    );
    expect(problemsOf(documentWith({ subscriptions: [{ ...subscribe, list: 'promos' }] }, lists))).toContain(
      'sources.shop.mapping.subscriptions.0.list: unknown list "promos"',
    );
    expect(
      problemsOf(documentWith({ unsubscriptions: [{ id: 'e', channel: 'email', list: 'gone' }] })),
    ).toContain('unsubscriptions.0.list: unknown list "gone": klaviyo.lists names no list');
    expect(problemsOf(documentWith({}, { Newsletter: 'AbC123' }))).toContain(
      // zod's word for a record key that does not match (the name's rule is in the schema's description).
      'klaviyo.lists.Newsletter: Invalid key in record',
    );
  });

  it('refuses only the source naming an unknown list; the others are served', () => {
    const document = documentWith({ list: 'nope' });
    const two = {
      ...document,
      sources: { ...document.sources, other: { kind: 'shopify', secrets: [{ ssm: '/relay/other' }] } },
    };
    const served = parseRelayConfigPerSource(JSON.stringify(two), 'test.json');
    expect(Object.keys(served.sources)).toEqual(['other']);
    expect(served.refused_sources?.shop?.[0]?.message).toContain('unknown list "nope"');
  });

  it('reads a reference as a name of klaviyo.lists first, else as a list id (which has a capital)', () => {
    const lists = { newsletter: 'AbC123', abcdef: 'ghiJKL' };
    expect(resolveListId('newsletter', lists)).toBe('AbC123');
    expect(resolveListId('abcdef', lists)).toBe('ghiJKL');
    expect(resolveListId('Y6nRLr', lists)).toBe('Y6nRLr');
    expect(resolveListId('promos', lists)).toBeUndefined();
    expect(isListId('Y6nRLr')).toBe(true);
    expect(isListId('y6nrlr')).toBe(false);
    expect(isListId('Y6nRLrX')).toBe(false);
  });
});

describe('consent entries over a preset', () => {
  it('a source entry replaces the preset entry of the same id and adds its own', () => {
    const config = parse({
      version: 1,
      sources: {
        shop: {
          kind: 'shopify',
          preset: 'shopify',
          secrets: [{ ssm: '/relay/shopify' }],
          mapping: {
            list: 'newsletter',
            subscriptions: [
              { id: 'email_legacy', channel: 'email', when: 'event.never', list: 'vip' },
              { id: 'extra', channel: 'sms' },
            ],
          },
        },
      },
      klaviyo: { api_key: { ssm: '/relay/klaviyo' }, lists: { newsletter: 'AbC123', vip: 'XyZ789' } },
    });
    const subscriptions = config.sources.shop?.mapping.subscriptions ?? [];
    const legacy = subscriptions.find((s) => s.id === 'email_legacy');
    expect(legacy).toMatchObject({ when: 'event.never', list: 'vip', channel: 'email' });
    // Merged field by field: what the source does not set stays the preset's.
    expect(legacy?.consented_at).toBeDefined();
    expect(subscriptions.at(-1)?.id).toBe('extra');
    expect(config.sources.shop?.mapping.list).toBe('newsletter');
  });
});

// The bodies of Klaviyo's consent jobs, and how a batch's consent writes are packed into jobs: grouped by what a
// job shares (operation, channel, list, historical import), cut at 1,000 profiles to subscribe and 100 to
// unsubscribe. When Klaviyo's operation files are beside the repository, the bodies are checked against them too.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { itemAtPointer, planConsentJobs, type ConsentItem } from '../../functions/deliver/consent-jobs.ts';
import { bulkSubscribeBody, bulkUnsubscribeBody } from '../../functions/deliver/consent-requests.ts';
import { openApiSchemaToJsonSchema, openApiSource } from '../helpers/klaviyo-openapi.ts';
import { consentFixture } from '../helpers/consent-messages.ts';

const item = (id: string, fields: Parameters<typeof consentFixture>[1] = {}): ConsentItem => ({
  id,
  message: consentFixture(id, fields),
});

describe('consent job bodies', () => {
  it('subscribes with historical_import and consented_at, into the list', () => {
    const body = bulkSubscribeBody({
      rows: [{ channel: 'email', identifier: 'ada@example.com', consented_at: '2026-11-30T09:00:00Z' }],
      listId: 'Y6nRLr',
      historicalImport: true,
    });
    expect(body).toEqual({
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: {
          profiles: {
            data: [
              {
                type: 'profile',
                attributes: {
                  email: 'ada@example.com',
                  subscriptions: {
                    email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2026-11-30T09:00:00Z' } },
                  },
                },
              },
            ],
          },
          historical_import: true,
        },
        relationships: { list: { data: { type: 'list', id: 'Y6nRLr' } } },
      },
    });
  });

  it('sends no consented_at outside a historical import, and no list when none is named', () => {
    const body = bulkSubscribeBody({
      rows: [{ channel: 'sms', identifier: '+15005550006', consented_at: '2026-11-30T09:00:00Z' }],
      historicalImport: false,
    });
    expect(body.data).toEqual({
      type: 'profile-subscription-bulk-create-job',
      attributes: {
        profiles: {
          data: [
            {
              type: 'profile',
              attributes: {
                phone_number: '+15005550006',
                subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED' } } },
              },
            },
          ],
        },
      },
    });
  });

  it('unsubscribes the channel, from the list when one is named', () => {
    expect(
      bulkUnsubscribeBody({ rows: [{ channel: 'email', identifier: 'ada@example.com' }], listId: 'L1' }),
    ).toEqual({
      data: {
        type: 'profile-subscription-bulk-delete-job',
        attributes: {
          profiles: {
            data: [
              {
                type: 'profile',
                attributes: {
                  email: 'ada@example.com',
                  subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } },
                },
              },
            ],
          },
        },
        relationships: { list: { data: { type: 'list', id: 'L1' } } },
      },
    });
  });

  const source = openApiSource();
  it.runIf(source.present)("satisfies Klaviyo's operation files", () => {
    const validatorOf = (file: string) => {
      const document = JSON.parse(readFileSync(path.join(source.dir, file), 'utf8')) as {
        paths: Record<
          string,
          { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }
        >;
        components: { schemas: Record<string, unknown> };
      };
      const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
      addFormatsModule.default(ajv);
      const definitions = Object.fromEntries(
        Object.entries(document.components.schemas).map(([n, s]) => [n, openApiSchemaToJsonSchema(s)]),
      );
      ajv.addSchema({ $id: 'doc', definitions });
      const post = Object.values(document.paths)[0]?.post;
      const ref = Object.values(post?.requestBody.content ?? {})[0]?.schema.$ref ?? '';
      return ajv.compile({ $ref: `doc#/definitions/${ref.split('/').at(-1) ?? ''}` });
    };
    expect(existsSync(path.join(source.dir, 'bulk_subscribe_profiles.json'))).toBe(true);
    const subscribe = validatorOf('bulk_subscribe_profiles.json');
    const unsubscribe = validatorOf('bulk_unsubscribe_profiles.json');
    for (const job of planConsentJobs([
      item('a', { consented_at: '2026-11-30T09:00:00Z', list_id: 'L1' }),
      item('b', { channel: 'sms', profile: { phone_number: '+15005550006' } }),
      item('c', { consent: 'unsubscribed', list_id: 'L1' }),
      item('d', { consent: 'unsubscribed', channel: 'sms', profile: { phone_number: '+15005550006' } }),
    ])) {
      const validate = job.path.endsWith('create-jobs') ? subscribe : unsubscribe;
      expect(validate(job.body), JSON.stringify(validate.errors)).toBe(true);
    }
    // And the check can fail: a subscription's consent must be SUBSCRIBED.
    const wrong = bulkSubscribeBody({
      rows: [{ channel: 'email', identifier: 'x@example.com' }],
      historicalImport: false,
    });
    (wrong.data.attributes.profiles.data[0]?.attributes.subscriptions as Record<string, unknown>).email = {
      marketing: { consent: 'UNSUBSCRIBED' },
    };
    expect(subscribe(wrong)).toBe(false);
  });
});

describe('planConsentJobs', () => {
  it('groups by operation, channel, list and historical import, keeping first-seen order', () => {
    const jobs = planConsentJobs([
      item('a', { list_id: 'L1' }),
      item('b', { list_id: 'L2', profile: { email: 'b@example.com' } }),
      item('c', { list_id: 'L1', consented_at: '2026-11-30T09:00:00Z', profile: { email: 'c@example.com' } }),
      item('d', { list_id: 'L1', profile: { email: 'd@example.com' } }),
      item('e', { consent: 'unsubscribed', list_id: 'L1', profile: { email: 'e@example.com' } }),
      item('f', { channel: 'sms', list_id: 'L1', profile: { phone_number: '+15005550006' } }),
    ]);
    expect(jobs.map((j) => [j.path, j.items.map((i) => i.id)])).toEqual([
      ['/api/profile-subscription-bulk-create-jobs', ['a', 'd']],
      ['/api/profile-subscription-bulk-create-jobs', ['b']],
      ['/api/profile-subscription-bulk-create-jobs', ['c']],
      ['/api/profile-subscription-bulk-delete-jobs', ['e']],
      ['/api/profile-subscription-bulk-create-jobs', ['f']],
    ]);
    const historical = jobs[2]?.body.data.attributes as { historical_import?: boolean };
    expect(historical.historical_import).toBe(true);
    expect(
      (jobs[0]?.body.data.attributes as { historical_import?: boolean }).historical_import,
    ).toBeUndefined();
  });

  it('cuts jobs at 1,000 profiles to subscribe and 100 to unsubscribe', () => {
    const many = (n: number, consent: 'subscribed' | 'unsubscribed') =>
      Array.from({ length: n }, (_, i) =>
        item(`${consent}${i}`, { consent, profile: { email: `u${i}@example.com` } }),
      );
    const jobs = planConsentJobs([...many(2_500, 'subscribed'), ...many(250, 'unsubscribed')]);
    expect(jobs.map((j) => j.items.length)).toEqual([1_000, 1_000, 500, 100, 100, 50]);
    expect(jobs.map((j) => j.body.data.attributes.profiles.data.length)).toEqual([
      1_000, 1_000, 500, 100, 100, 50,
    ]);
  });

  it('finds the write an error pointer names', () => {
    const [job] = planConsentJobs([item('a'), item('b', { profile: { email: 'b@example.com' } })]);
    if (!job) throw new Error('no job');
    expect(itemAtPointer(job, '/data/attributes/profiles/data/1/attributes/email')?.id).toBe('b');
    expect(itemAtPointer(job, '/data/attributes/profiles/data/1')?.id).toBe('b');
    expect(itemAtPointer(job, '/data/attributes/profiles/data/7')).toBeUndefined();
    expect(itemAtPointer(job, '/data/relationships/list')).toBeUndefined();
    expect(itemAtPointer(job, undefined)).toBeUndefined();
  });
});

// Calling the Klaviyo mock over HTTP the way a client does, and example bodies of the consent and bulk profile
// import operations (accepted by the mock; the conformance test checks them against Klaviyo's files too).
import { expect } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';

export const MOCK_KEY = 'pk_test_jobs';

export interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
}

export interface ErrorDocument {
  errors: { status: number; code: string; detail: string; source: Record<string, string> }[];
}

export async function callMock(
  mock: KlaviyoMock,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string | null> = {},
): Promise<Reply> {
  const headers: Record<string, string | null> = {
    Authorization: `Klaviyo-API-Key ${MOCK_KEY}`,
    revision: '2026-07-15',
    'Content-Type': 'application/vnd.api+json',
    ...extra,
  };
  const init: RequestInit = {
    method,
    headers: Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== null)),
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${mock.url}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

/** The one error of an error reply, checked to be Klaviyo's document. */
export function onlyError(reply: Reply): ErrorDocument['errors'][number] {
  const errors = (reply.json as ErrorDocument).errors;
  expect(errors).toHaveLength(1);
  const [error] = errors;
  if (!error) throw new Error('no error');
  expect(error.status).toBe(reply.status);
  return error;
}

export interface ConsentProfile {
  id?: string;
  email?: string | null;
  phone_number?: string | null;
  /** Channels to name; for subscribe, each may carry a consented_at. */
  email_marketing?: { consented_at?: string } | true;
  sms_marketing?: { consented_at?: string } | true;
}

function subscriptions(p: ConsentProfile, consent: 'SUBSCRIBED' | 'UNSUBSCRIBED'): Record<string, unknown> {
  const channel = (spec: ConsentProfile['email_marketing']) =>
    spec === undefined ? undefined : { marketing: { consent, ...(spec === true ? {} : spec) } };
  const out: Record<string, unknown> = {};
  const email = channel(p.email_marketing);
  const sms = channel(p.sms_marketing);
  if (email) out.email = email;
  if (sms) out.sms = sms;
  return out;
}

function profileResource(p: ConsentProfile, consent: 'SUBSCRIBED' | 'UNSUBSCRIBED'): Record<string, unknown> {
  const attributes: Record<string, unknown> = { subscriptions: subscriptions(p, consent) };
  if (p.email !== undefined) attributes.email = p.email;
  if (p.phone_number !== undefined) attributes.phone_number = p.phone_number;
  return { type: 'profile', ...(p.id === undefined ? {} : { id: p.id }), attributes };
}

const listRelationship = (listId?: string) =>
  listId === undefined ? {} : { relationships: { list: { data: { type: 'list', id: listId } } } };

export function subscribeBody(
  profiles: ConsentProfile[],
  options: { listId?: string; historicalImport?: boolean; customSource?: string } = {},
) {
  return {
    data: {
      type: 'profile-subscription-bulk-create-job',
      attributes: {
        ...(options.customSource === undefined ? {} : { custom_source: options.customSource }),
        ...(options.historicalImport === undefined ? {} : { historical_import: options.historicalImport }),
        profiles: { data: profiles.map((p) => profileResource(p, 'SUBSCRIBED')) },
      },
      ...listRelationship(options.listId),
    },
  };
}

export function unsubscribeBody(profiles: ConsentProfile[], options: { listId?: string } = {}) {
  return {
    data: {
      type: 'profile-subscription-bulk-delete-job',
      attributes: { profiles: { data: profiles.map((p) => profileResource(p, 'UNSUBSCRIBED')) } },
      ...listRelationship(options.listId),
    },
  };
}

export function bulkImportBody(profiles: Record<string, unknown>[], listIds: string[] = []) {
  return {
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) } },
      ...(listIds.length === 0
        ? {}
        : { relationships: { lists: { data: listIds.map((id) => ({ type: 'list', id })) } } }),
    },
  };
}

/** Bodies the mock accepts, one per shape the relay sends. */
export function acceptedConsentBodies(): {
  operationId: 'bulk_subscribe_profiles' | 'bulk_unsubscribe_profiles';
  label: string;
  body: unknown;
}[] {
  return [
    {
      operationId: 'bulk_subscribe_profiles',
      label: 'email and SMS, historical import, with a list',
      body: subscribeBody(
        [
          {
            email: 'ada@example.com',
            phone_number: '+15005550006',
            email_marketing: { consented_at: '2025-03-01T10:00:00Z' },
            sms_marketing: { consented_at: '2025-03-02T10:00:00Z' },
          },
        ],
        { listId: 'Y6nRLr', historicalImport: true, customSource: 'klaviyo-webhook-relay' },
      ),
    },
    {
      operationId: 'bulk_subscribe_profiles',
      label: 'email only, no list, 1,000 profiles',
      body: subscribeBody(
        Array.from({ length: 1000 }, (_, i) => ({
          email: `p${i}@example.com`,
          email_marketing: true as const,
        })),
      ),
    },
    {
      operationId: 'bulk_unsubscribe_profiles',
      label: 'email and SMS from a list, 100 profiles',
      body: unsubscribeBody(
        Array.from({ length: 100 }, (_, i) => ({
          email: `p${i}@example.com`,
          phone_number: `+1500555${String(i).padStart(4, '0')}`,
          email_marketing: true as const,
          sms_marketing: true as const,
        })),
        { listId: 'Y6nRLr' },
      ),
    },
    {
      operationId: 'bulk_unsubscribe_profiles',
      label: 'SMS only, no list',
      body: unsubscribeBody([{ phone_number: '+4930123456', sms_marketing: true }]),
    },
  ];
}

// Classification of every kind of Klaviyo answer, with a stand-in fetch.
import { describe, expect, it } from 'vitest';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { PermanentError, RetryableError } from '../../functions/shared/stage/errors.ts';
import { createKlaviyoClient, type Fetch } from '../../functions/deliver/klaviyo-client.ts';
import { outcomeOfError, type DeliverCounters } from '../../functions/deliver/deliver-outcome.ts';
import { RELAY_USER_AGENT } from '../../functions/shared/version.ts';

const settings = klaviyoSettingsSchema().parse({
  api_key: { env: 'K' },
  base_url: 'http://klaviyo.test/',
  revision: '2026-07-15',
});

function clientAnswering(status: number, body = '', headers: Record<string, string> = {}) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fakeFetch: Fetch = (url, init) => {
    seen.push({ url: url as string, init: init ?? {} });
    return Promise.resolve(new Response(status === 204 || status === 202 ? null : body, { status, headers }));
  };
  const client = createKlaviyoClient({
    settings,
    apiKey: () => Promise.resolve('pk_abc'),
    fetch: fakeFetch,
    now: () => 0,
  });
  return { client, seen };
}

const klaviyoError = JSON.stringify({
  errors: [
    {
      id: 'e1',
      status: 400,
      code: 'invalid',
      title: 'Invalid input.',
      detail: 'bad time',
      source: { pointer: '/data/attributes/time' },
    },
  ],
});

describe('Klaviyo client', () => {
  it('sends the key, the revision and JSON:API content type', async () => {
    const { client, seen } = clientAnswering(202);
    await client.post('/api/events', { data: {} });
    const headers = seen[0]?.init.headers as Record<string, string>;
    expect(seen[0]?.url).toBe('http://klaviyo.test/api/events');
    expect(headers.authorization).toBe('Klaviyo-API-Key pk_abc');
    expect(headers.revision).toBe('2026-07-15');
    expect(headers['content-type']).toBe('application/vnd.api+json');
  });

  it('names the relay and its version in User-Agent', async () => {
    const { client, seen } = clientAnswering(202);
    await client.post('/api/events', { data: {} });
    const headers = seen[0]?.init.headers as Record<string, string>;
    expect(headers['user-agent']).toBe(RELAY_USER_AGENT);
    expect(headers['user-agent']).toMatch(/^klaviyo-webhook-relay\/\d+\.\d+\.\d+/);
  });

  it('a 403 challenge page (cf-mitigated: challenge) is retryable and counted, not an auth failure', async () => {
    const page = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>…</body></html>';
    for (const headers of [
      { 'cf-mitigated': 'challenge', 'content-type': 'text/html; charset=UTF-8' },
      { 'cf-mitigated': 'Challenge' },
      { 'content-type': 'text/html' }, // an HTML 403 is an edge's page, never Klaviyo's JSON:API answer
    ]) {
      const { client } = clientAnswering(403, page, headers);
      const error = await client.post('/api/events', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error).toMatchObject({ reason: 'klaviyo_challenge' });
      expect((error as Error).message).not.toContain('<html>');
      const counted: string[] = [];
      const counters: DeliverCounters = { count: (name) => void counted.push(name) };
      expect(outcomeOfError(error, counters)).toMatchObject({ kind: 'retry' });
      expect(counted).toEqual(['klaviyo_challenged']);
    }
  });

  it('a JSON:API 403 stays an auth failure (klaviyo_auth_failed)', async () => {
    const { client } = clientAnswering(403, '{"errors":[{"code":"permission_denied"}]}', {
      'content-type': 'application/vnd.api+json',
    });
    const error = await client.post('/api/events', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RetryableError', reason: 'klaviyo_auth' });
    const counted: string[] = [];
    outcomeOfError(error, { count: (name) => void counted.push(name) });
    expect(counted).toEqual(['klaviyo_auth_failed']);
  });

  it('429 is retryable after Retry-After seconds', async () => {
    const { client } = clientAnswering(429, '{"errors":[]}', { 'retry-after': '7' });
    const error = await client.post('/api/events', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ reason: 'klaviyo_throttled', retryAfterSeconds: 7 });
  });

  it('5xx is retryable', async () => {
    const { client } = clientAnswering(503, 'busy');
    await expect(client.post('/api/events', {})).rejects.toMatchObject({
      name: 'RetryableError',
      reason: 'klaviyo_503',
    });
  });

  it('401 and 403 are retried, never dropped', async () => {
    for (const status of [401, 403]) {
      const { client } = clientAnswering(status, '{"errors":[{"code":"not_authenticated"}]}');
      await expect(client.post('/api/events', {})).rejects.toMatchObject({
        name: 'RetryableError',
        reason: 'klaviyo_auth',
      });
    }
  });

  it('400 is permanent and carries Klaviyo’s detail and pointer', async () => {
    const { client } = clientAnswering(400, klaviyoError);
    const error = (await client.post('/api/events', {}).catch((e: unknown) => e)) as PermanentError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('bad time');
    expect(error.message).toContain('/data/attributes/time');
    expect(error.detail).toEqual((JSON.parse(klaviyoError) as { errors: unknown }).errors);
  });

  it('a network failure or timeout is retryable', async () => {
    const failing: Fetch = () =>
      Promise.reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
    const client = createKlaviyoClient({ settings, apiKey: () => Promise.resolve('k'), fetch: failing });
    await expect(client.post('/api/events', {})).rejects.toMatchObject({
      name: 'RetryableError',
      reason: 'klaviyo_timeout',
    });
  });
});

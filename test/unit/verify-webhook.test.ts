// The signature middleware with secrets that cannot all be read: one unreadable reference must not fail a request
// another configured secret verifies; when none verified and one could not be read, the answer stays 5xx (the
// sender retries), and only when every secret was read is a mismatch a 401.
import { createHmac } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../functions/ingest/http-error.ts';
import { verifyWebhook, type IngestContext } from '../../functions/ingest/verify-webhook.ts';
import { createSecretResolver, SecretUnavailableError } from '../../functions/shared/secrets.ts';
import { LOCAL_MODE_ENV, SHOPIFY_OLD_SECRET, SHOPIFY_SECRET, testConfig } from '../helpers/configs.ts';
import { httpEvent, testContext } from '../helpers/http-event.ts';

const config = testConfig();
const body = JSON.stringify({ id: 1, email: 'ada@example.com' });

function shopifyEvent(secret: string | undefined) {
  return httpEvent({
    source: 'shop',
    body,
    headers: {
      'content-type': 'application/json',
      ...(secret !== undefined && {
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      }),
      'x-shopify-event-id': 'evt-1',
      'x-shopify-topic': 'orders/create',
    },
  });
}

/** Runs the middleware with SHOPIFY_SECRET / SHOPIFY_OLD_SECRET as given (undefined: unset, unreadable). */
async function verify(secret: string | undefined, env: Record<string, string | undefined>) {
  const unavailable: unknown[] = [];
  const middleware = verifyWebhook({
    loadConfig: () => Promise.resolve(config),
    resolveSecret: createSecretResolver({ env: { ...LOCAL_MODE_ENV, ...env } }),
    now: () => Date.now(),
    onSecretUnavailable: (_source, error) => unavailable.push(error),
  });
  const request = {
    event: shopifyEvent(secret),
    context: testContext() as IngestContext,
    response: undefined,
    error: undefined,
    internal: {},
  } as unknown as Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, IngestContext>;
  await middleware.before?.(request);
  return { verified: request.context.webhook !== undefined, unavailable };
}

describe('verifying with secrets that cannot all be read', () => {
  it('accepts a request the readable secret verifies, and reports the unreadable one', async () => {
    const { verified, unavailable } = await verify(SHOPIFY_OLD_SECRET, { SHOPIFY_OLD_SECRET });
    expect(verified).toBe(true);
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]).toBeInstanceOf(SecretUnavailableError);
  });

  it('accepts whichever readable secret verifies, in either position', async () => {
    const { verified } = await verify(SHOPIFY_SECRET, { SHOPIFY_SECRET });
    expect(verified).toBe(true);
  });

  it('fails 5xx (not 401) when nothing verified and a secret could not be read', async () => {
    await expect(verify('some-other-secret', { SHOPIFY_OLD_SECRET })).rejects.toBeInstanceOf(
      SecretUnavailableError,
    );
  });

  it('fails 5xx when no secret can be read at all', async () => {
    await expect(verify(SHOPIFY_SECRET, {})).rejects.toBeInstanceOf(SecretUnavailableError);
  });

  it('answers 401 when every secret was read and none verified', async () => {
    const error = await verify('some-other-secret', { SHOPIFY_SECRET, SHOPIFY_OLD_SECRET }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(401);
  });

  it('answers 401 to an unsigned request even when a secret could not be read', async () => {
    const error = await verify(undefined, { SHOPIFY_OLD_SECRET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('missing_signature');
  });
});

// `{ "env": NAME }` secret references read the function's own environment: in AWS that holds the role's session
// credentials (AWS_SESSION_TOKEN, AWS_SECRET_ACCESS_KEY…), so whoever can write the configuration parameter
// could send them to any https host as a hydration credential. They are read in local mode only.
import { describe, expect, it } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import {
  deployedSecretRefSchema,
  envSecretRefSchema,
  relayConfigSchema,
} from '../../functions/shared/config/relay-config.ts';
import * as z from '../../functions/shared/zod.ts';
import {
  createSecretResolver,
  isLocalMode,
  LOCAL_MODE_VARIABLE,
  SecretUnavailableError,
} from '../../functions/shared/secrets.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';
import { acceptingSqs, HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';

const IN_LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'relay-hydrate', AWS_SESSION_TOKEN: 'the-role-session-token' };

describe('env secret references outside local mode', () => {
  it('are refused in Lambda, with a message saying what to use instead', async () => {
    const resolve = createSecretResolver({ env: IN_LAMBDA });
    const read = resolve({ env: 'AWS_SESSION_TOKEN' });
    await expect(read).rejects.toThrow(SecretUnavailableError);
    await expect(read).rejects.toThrow(/env:AWS_SESSION_TOKEN.*local mode.*ssm.*secrets_manager/s);
  });

  it('are refused in Lambda even when the local-mode variable is set there', async () => {
    const resolve = createSecretResolver({ env: { ...IN_LAMBDA, [LOCAL_MODE_VARIABLE]: '1' } });
    await expect(resolve({ env: 'AWS_SESSION_TOKEN' })).rejects.toThrow(/local mode/);
  });

  it('are refused where nothing says local mode (fail closed)', async () => {
    const resolve = createSecretResolver({ env: { AWS_SESSION_TOKEN: 'x' } });
    await expect(resolve({ env: 'AWS_SESSION_TOKEN' })).rejects.toThrow(/local mode/);
  });

  it('are read in local mode', async () => {
    const env = { [LOCAL_MODE_VARIABLE]: '1', DEMO_API_TOKEN: 'demo' };
    expect(isLocalMode(env)).toBe(true);
    expect(await createSecretResolver({ env })({ env: 'DEMO_API_TOKEN' })).toBe('demo');
  });

  it('never reach the source API from hydrate in Lambda', async () => {
    const config = relayConfigSchema().parse({
      version: 1,
      sources: {
        shop: {
          kind: 'shopify',
          secrets: [{ ssm: '/relay/shop' }],
          hydration: {
            base_url: 'https://collector.example.net',
            auth: { header: 'x-token', secret: { env: 'AWS_SESSION_TOKEN' } },
            steps: [{ name: 'order', path: '/orders/{event.id}' }],
          },
        },
      },
      klaviyo: { api_key: { ssm: '/relay/klaviyo' } },
    });
    const sent: { url: string; headers: unknown }[] = [];
    const handler = createHydrateHandler({
      env: {
        ...IN_LAMBDA,
        ...HYDRATE_QUEUES_ENV,
      },
      sqs: acceptingSqs(),
      loadConfig: () => Promise.resolve(config),
      fetch: (input, init) => {
        sent.push({ url: input instanceof Request ? input.url : input.toString(), headers: init?.headers });
        return Promise.resolve(new Response('{}', { headers: { 'content-type': 'application/json' } }));
      },
    });
    const message = webhookReceived({
      source: 'shop',
      id: '1',
      eventType: 'orders/create',
      receivedAt: '2026-12-07T10:00:00.000Z',
      payload: { id: 1, email: 'ada@example.com' },
    });
    const out = await handler(
      { Records: [stageMessageRecord('m-1', message, 'hydrate')] },
      lambdaContext('hydrate', 'ctx-env-ref', 30_000),
    );
    expect(sent).toEqual([]);
    // Not lost: retried (and redriven once the configuration names ssm or secrets_manager).
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
  });

  it("are no deployed reference in the schema (what Terraform's inputs are generated from)", () => {
    expect(deployedSecretRefSchema().safeParse({ env: 'AWS_SESSION_TOKEN' }).success).toBe(false);
    expect(deployedSecretRefSchema().safeParse({ ssm: '/relay/token' }).success).toBe(true);
    expect(z.globalRegistry.get(envSecretRefSchema())).toMatchObject({ local_only: true });
  });
});

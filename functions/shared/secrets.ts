// Resolves secret references to values. Values are cached (Powertools Parameters) so a warm function
// does not call SSM or Secrets Manager per request, and refreshed after `maxAgeSeconds` so a rotated
// secret is picked up without a deploy. Values are never logged: errors name the reference only.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretRef } from './config-schema.ts';

export type ResolveSecret = (ref: SecretRef) => Promise<string>;

export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `env:${ref.env}`;
  if ('ssm' in ref) return `ssm:${ref.ssm}`;
  return `secrets_manager:${ref.secrets_manager}`;
}

export interface SecretResolverOptions {
  env?: NodeJS.ProcessEnv;
  ssm?: SSMProvider;
  secretsManager?: SecretsProvider;
  maxAgeSeconds?: number;
}

export function createSecretResolver(options: SecretResolverOptions = {}): ResolveSecret {
  const env = options.env ?? process.env;
  const maxAge = options.maxAgeSeconds ?? 300;
  // Providers (and their SDK clients) are created on first use: a local run with env refs needs none.
  let ssm = options.ssm;
  let secretsManager = options.secretsManager;

  return async (ref) => {
    let value: unknown;
    try {
      if ('env' in ref) value = env[ref.env];
      else if ('ssm' in ref)
        value = await (ssm ??= new SSMProvider()).get(ref.ssm, { decrypt: true, maxAge });
      else value = await (secretsManager ??= new SecretsProvider()).get(ref.secrets_manager, { maxAge });
    } catch (error) {
      throw new SecretUnavailableError(`secret ${describeSecretRef(ref)} could not be read`, {
        cause: error,
      });
    }
    if (typeof value !== 'string' || value === '') {
      throw new SecretUnavailableError(`secret ${describeSecretRef(ref)} is not set or empty`);
    }
    return value;
  };
}

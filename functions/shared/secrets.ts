// Resolves secret references to values. Values are cached (Powertools Parameters) so a warm function
// does not call SSM or Secrets Manager per request, and refreshed after `maxAgeSeconds` so a rotated
// secret is picked up without a deploy. Values are never logged: errors name the reference only.
//
// `{ "env": NAME }` references read the process's own environment, and are read in local mode only: in Lambda
// that environment holds the role's session credentials (AWS_SESSION_TOKEN, AWS_SECRET_ACCESS_KEY…), so a
// reference to them in the configuration parameter would send them to whatever host a hydration connection names.
// Local mode is known by a variable local mode sets (RELAY_LOCAL_MODE=1, local/stack.ts), never by anything in
// the configuration, and never in Lambda, whose runtime always sets AWS_LAMBDA_FUNCTION_NAME (a reserved
// variable a function's configuration cannot set or remove). Anywhere else without the flag (a container, a
// test), env references are refused: the rule fails closed (docs/adr/0027-security-boundaries.md).
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretRef } from './config/secret-refs.ts';

export type ResolveSecret = (ref: SecretRef) => Promise<string>;

export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

/** The variable local mode sets on its handlers' environment to allow `{ "env": … }` secret references. */
export const LOCAL_MODE_VARIABLE = 'RELAY_LOCAL_MODE';

/** True in local mode: its flag is set and this is not a Lambda runtime. */
export function isLocalMode(env: Readonly<Record<string, string | undefined>>): boolean {
  return env[LOCAL_MODE_VARIABLE] === '1' && env.AWS_LAMBDA_FUNCTION_NAME === undefined;
}

export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `env:${ref.env}`;
  if ('ssm' in ref) return `ssm:${ref.ssm}`;
  return `secrets_manager:${ref.secrets_manager}`;
}

export interface SecretResolverOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Whether `{ "env": … }` references are read; default isLocalMode(env). The CLI allows them for a configuration
   * file the operator gave it, which names the operator's own variables.
   */
  allowEnvRefs?: boolean;
  ssm?: SSMProvider;
  secretsManager?: SecretsProvider;
  maxAgeSeconds?: number;
}

export function createSecretResolver(options: SecretResolverOptions = {}): ResolveSecret {
  const env = options.env ?? process.env;
  const maxAge = options.maxAgeSeconds ?? 300;
  const allowEnvRefs = options.allowEnvRefs ?? isLocalMode(env);
  // Providers (and their SDK clients) are created on first use: a local run with env refs needs none.
  let ssm = options.ssm;
  let secretsManager = options.secretsManager;

  return async (ref) => {
    if ('env' in ref && !allowEnvRefs) {
      throw new SecretUnavailableError(
        `secret ${describeSecretRef(ref)}: { "env": … } references are read in local mode only (npm start); ` +
          'in AWS, reference an ssm parameter or a secrets_manager secret',
      );
    }
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

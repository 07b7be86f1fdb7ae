// Where a secret lives: the configuration holds secret *references*, never secret values (../secrets.ts reads
// them). Sources' shared secrets, hydration credentials and the Klaviyo API key all take these.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { nonEmptyString } from './schema-shorthands.ts';

/** An SSM parameter name, or its ARN. */
export const SSM_PARAMETER_REFERENCE =
  /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\/)?[A-Za-z0-9_./-]+$/;
/** A Secrets Manager secret ARN. */
export const SECRETS_MANAGER_REFERENCE =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/**
 * `{ "env": NAME }`: a variable of the reading process's environment. Local mode only: the functions refuse it
 * anywhere else (../secrets.ts: in Lambda that environment holds the role's session credentials), so it is no
 * member of deployedSecretRefSchema, the references Terraform's inputs accept (docs/adr/0027-security-boundaries.md).
 */
export const envSecretRefSchema = memo(() =>
  z.strictObject({ env: nonEmptyString() }).register(z.globalRegistry, {
    description: 'An environment variable of the process: local mode only (refused in AWS).',
    local_only: true,
  }),
);
/** Where a secret lives in AWS: an SSM parameter or a Secrets Manager secret. */
export const deployedSecretRefSchema = memo(() =>
  z.union([
    z.strictObject({
      // SSM and Secrets Manager refuse other names, so a reference they cannot resolve is refused at load.
      ssm: z
        .string()
        .check(
          z.regex(
            SSM_PARAMETER_REFERENCE,
            'an SSM parameter name (letters, digits, _ . - /) or parameter ARN',
          ),
          z.describe('An SSM parameter (name or ARN) holding the secret.'),
        ),
    }),
    z.strictObject({
      secrets_manager: z
        .string()
        .check(
          z.regex(SECRETS_MANAGER_REFERENCE, 'a Secrets Manager secret ARN'),
          z.describe('A Secrets Manager secret (ARN) holding the secret.'),
        ),
    }),
  ]),
);
/** Where a secret lives: an environment variable (local mode only), an SSM parameter or a Secrets Manager secret. */
export const secretRefSchema = memo(() => z.union([envSecretRefSchema(), deployedSecretRefSchema()]));
export type SecretRef = z.infer<ReturnType<typeof secretRefSchema>>;

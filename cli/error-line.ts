// The one line the CLI prints for what failed (./relay.ts). The AWS SDK's own messages assume you know its
// configuration chain; where one says only what is missing, the line says how to give it.
import { ConfigError } from '../functions/shared/config/relay-config.ts';

/** How to give what an AWS SDK message says is missing, by the message's exact text. */
const AWS_HINTS: Record<string, string> = {
  'Region is missing':
    'the AWS region is not set: pass --region <region>, or set AWS_REGION (e.g. `export AWS_REGION=eu-west-1`), or a region in your AWS profile (~/.aws/config)',
};

export function errorLine(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const message = String((error as Error | undefined)?.message ?? error);
  return AWS_HINTS[message] ?? message;
}

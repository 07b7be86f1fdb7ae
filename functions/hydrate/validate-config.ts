// Hydrate's answer to a configuration validation request: `{ "relay_validate_config": {} }` validates the document
// as stored now (read afresh, never the loader's copy), `{ "relay_validate_config": { "document": … } }` the one
// given (an object or its JSON text). The verdict is hydrate's own: the full schema, JSONata compiled, which is
// what Terraform cannot check. terraform/config.tf invokes hydrate so after each change of the document and fails
// the apply with the message (docs/adr/0025-configuration-layout-and-source-isolation.md).
import { validateRelayConfig, type ConfigProblem } from '../shared/config/relay-config.ts';
import { readConfigDocument, type SsmReader } from '../shared/config/loader.ts';

export interface ConfigValidationRequest {
  relay_validate_config: { document?: unknown };
}

export interface ConfigVerdict {
  valid: boolean;
  /** Where the document came from: the file, `ssm:<parameter>`, or `request`. */
  origin: string;
  /** The sources of a valid document. */
  sources?: string[];
  problems?: ConfigProblem[];
  /** One line per problem, for a person (Terraform's error message). */
  message: string;
}

export const isConfigValidationRequest = (event: unknown): event is ConfigValidationRequest =>
  typeof event === 'object' &&
  event !== null &&
  !Array.isArray(event) &&
  typeof (event as Record<string, unknown>).relay_validate_config === 'object' &&
  (event as Record<string, unknown>).relay_validate_config !== null;

export interface ValidateOptions {
  ssm?: SsmReader;
  /**
   * Reads of the stored document (default 4, 2 s apart): the request follows an apply that may have just granted
   * hydrate's role the right to read the parameters, and IAM takes a few seconds to apply it.
   */
  readAttempts?: number;
  retryDelayMs?: number;
}

export async function validateConfigRequest(
  request: ConfigValidationRequest,
  env: NodeJS.ProcessEnv,
  options: ValidateOptions = {},
): Promise<ConfigVerdict> {
  const given = request.relay_validate_config.document;
  let text: string;
  let origin = 'request';
  if (given === undefined) {
    const read = await readWithRetries(env, options);
    if ('error' in read)
      return { valid: false, origin, message: `could not read the configuration: ${read.error.message}` };
    ({ text, origin } = read);
  } else text = typeof given === 'string' ? given : JSON.stringify(given);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { valid: false, origin, message: `${origin}: not valid JSON (${(error as Error).message})` };
  }
  const result = validateRelayConfig(raw);
  if (result.success) {
    const sources = Object.keys(result.data.sources);
    return { valid: true, origin, sources, message: `${origin}: valid (${sources.length} sources)` };
  }
  const lines = result.problems.map((p) => `${p.path}: ${p.message}`);
  return {
    valid: false,
    origin,
    problems: result.problems,
    message: `${origin}: hydrate refuses the configuration: ${lines.join('; ')}`,
  };
}

async function readWithRetries(
  env: NodeJS.ProcessEnv,
  options: ValidateOptions,
): Promise<{ text: string; origin: string } | { error: Error }> {
  const attempts = options.readAttempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await readConfigDocument(env, options.ssm ? { ssm: options.ssm } : {});
    } catch (error) {
      if (attempt >= attempts) return { error: error instanceof Error ? error : new Error(String(error)) };
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 2_000));
    }
  }
}

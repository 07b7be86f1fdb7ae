// The deployed configuration document, read from SSM as the functions read it: the parameter the stack names and
// each source's part under `<parameter>/sources/` (functions/shared/config/loader.ts, docs/runtime-contract.md).
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { readSsmDocument } from '../functions/shared/config/loader.ts';

/** The document's JSON text, assembled from its parameters, and where it came from (`ssm:<name>`). */
export async function readDeployedDocument(
  parameter: string,
  region: string | undefined,
): Promise<{ text: string; origin: string }> {
  const ssm = new SSMProvider(region ? { clientConfig: { region } } : {});
  return { text: await readSsmDocument(ssm, parameter), origin: `ssm:${parameter}` };
}

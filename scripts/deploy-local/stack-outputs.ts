// The stack file `npm run deploy:local` writes while it runs the functions: Terraform's outputs, with the API's
// addresses (moto's API Gateway, which runs nothing) replaced by the local endpoint that stands for it, so that
// `relay send --stack` and the printed URLs reach ingest. When it stops, the file goes back to Terraform's outputs.
import type { StackOutputs } from '../../operations/stack-file.ts';

/** The outputs with `api_endpoint`, `webhook_base_url` and each of `webhook_urls` on the local endpoint. */
export function runningStackOutputs(outputs: StackOutputs, apiEndpoint: string): StackOutputs {
  const webhookBaseUrl = `${apiEndpoint.replace(/\/+$/, '')}/webhooks`;
  const running: StackOutputs = { ...outputs };
  if ('api_endpoint' in outputs) running.api_endpoint = { ...outputs.api_endpoint, value: apiEndpoint };
  running.webhook_base_url = { ...outputs.webhook_base_url, value: webhookBaseUrl };
  const urls = outputs.webhook_urls?.value;
  if (urls !== null && typeof urls === 'object') {
    const local = Object.fromEntries(
      Object.keys(urls).map((source) => [source, `${webhookBaseUrl}/${encodeURIComponent(source)}`]),
    );
    running.webhook_urls = { ...outputs.webhook_urls, value: local };
  }
  return running;
}

/** The string-to-string map an output holds (function_names, …), or an error naming the output. */
export function stringMapOutput(outputs: StackOutputs, name: string): Record<string, string> {
  const value = outputs[name]?.value;
  if (value === null || typeof value !== 'object' || Object.values(value).some((v) => typeof v !== 'string'))
    throw new Error(`the outputs have no "${name}" map of strings`);
  return value as Record<string, string>;
}

/** A string output (archive_bucket_name, …), or an error naming it. */
export function stringOutput(outputs: StackOutputs, name: string): string {
  const value = outputs[name]?.value;
  if (typeof value !== 'string') throw new Error(`the outputs have no "${name}" string`);
  return value;
}

/**
 * The Secrets Manager secret holding the demo source's API token, as the configuration document names it
 * (`sources.demo.hydration.auth.secret`), or undefined when the document has no such source.
 */
export function demoApiTokenSecretOf(outputs: StackOutputs): string | undefined {
  const text = outputs.config_document?.value;
  if (typeof text !== 'string') return undefined;
  const document = JSON.parse(text) as {
    sources?: { demo?: { hydration?: { auth?: { secret?: { secrets_manager?: unknown } } } } };
  };
  const secret = document.sources?.demo?.hydration?.auth?.secret?.secrets_manager;
  return typeof secret === 'string' ? secret : undefined;
}

// A connection's base URL and its steps' paths are joined as they are (functions/hydrate/hydration/step-runner.ts),
// so a base URL whose path the steps' paths begin with again calls that prefix twice: `https://api.stripe.com/v1`
// with the stripe preset's `/v1/checkout/sessions/…` calls `/v1/v1/…`, and every webhook dead-letters as a 404.
// The configuration is refused at load instead (./hydration.ts), saying which base URL to write.
import { splitAtAuthority } from './hydration-base-url.ts';

export interface ConnectionBase {
  name: string;
  baseUrl: string;
  /** Where its base URL is, under the hydration section. */
  at: (string | number)[];
}

export interface RepeatedPrefix {
  at: (string | number)[];
  message: string;
}

/** The path of a base URL template, without its query, fragment and trailing slashes (`/v1`), or ''. */
export function basePathOf(template: string): string {
  const rest = splitAtAuthority(template)?.rest ?? '';
  return (rest.split(/[?#]/)[0] ?? '').replace(/\/+$/, '');
}

/**
 * Each connection whose base URL's path a step on it repeats at the start of its own path. A step without
 * `connection` is on the only connection.
 */
export function repeatedPathPrefixes(
  connections: readonly ConnectionBase[],
  steps: readonly { name: string; path: string; connection?: string | undefined }[],
): RepeatedPrefix[] {
  const only = connections.length === 1 ? connections[0]?.name : undefined;
  const problems: RepeatedPrefix[] = [];
  for (const { name, baseUrl, at } of connections) {
    const prefix = basePathOf(baseUrl);
    if (prefix === '') continue;
    const step = steps.find(
      (s) => (s.connection ?? only) === name && (s.path === prefix || s.path.startsWith(`${prefix}/`)),
    );
    if (step === undefined) continue;
    const parts = splitAtAuthority(baseUrl);
    const root = parts ? `${parts.scheme}${parts.authority}` : baseUrl;
    problems.push({
      at,
      message: `the path of base_url ${baseUrl} is ${prefix}, and step "${step.name}"'s path ${step.path} begins with it again: the call would go to ${prefix}${step.path}. Leave ${prefix} out of the base URL (${root}), or out of the steps' paths`,
    });
  }
  return problems;
}

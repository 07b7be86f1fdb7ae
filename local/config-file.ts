// Local mode's configuration: config/local.json with `${NAME}` placeholders filled from the environment
// and from what local mode started (e.g. DEMO_API_URL), validated by the same schema the Lambdas use.
import { readFile } from 'node:fs/promises';
import { ConfigError, parseRelayConfig, type RelayConfig } from '../functions/shared/config.ts';

type Vars = Readonly<Record<string, string | undefined>>;

/** `missing`: what an unset placeholder becomes; without it, an unset placeholder is an error. */
export function fillPlaceholders(text: string, vars: Vars, origin: string, missing?: string): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = vars[name] ?? missing;
    if (value === undefined) throw new ConfigError(`${origin}: \${${name}} is used but not set`);
    // The value lands inside a JSON string: escape it as one.
    return JSON.stringify(value).slice(1, -1);
  });
}

export async function readLocalConfig(
  file: string,
  vars: Vars,
  missing?: string,
): Promise<{ config: RelayConfig; text: string }> {
  const text = fillPlaceholders(await readFile(file, 'utf8'), vars, file, missing);
  return { config: parseRelayConfig(text, file), text };
}

// Local mode's configuration: config/local.json with `${NAME}` placeholders filled from the environment
// and from what local mode started (e.g. DEMO_API_URL), validated by the same schema the Lambdas use. Local mode
// reads it to run, the CLI (`relay send`, `map`, `config`) to read a configuration file the same way.
import { readFile } from 'node:fs/promises';
import { ConfigError, parseRelayConfig, type RelayConfig } from '../functions/shared/config/relay-config.ts';

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

/**
 * Every secret reference `{ "env": NAME }` in the document whose variable is unset or empty, with where it
 * is (`sources.shop.secrets[0]`). The handlers would fail each request that needs one (500, retried by the
 * sender for days), so local mode refuses to start instead. Found by shape, wherever the schema allows one.
 */
export function unsetSecretVariables(config: RelayConfig, vars: Vars): { name: string; where: string }[] {
  const found: { name: string; where: string }[] = [];
  const visit = (node: unknown, where: string) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${where}[${i}]`));
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      const [only] = entries;
      if (entries.length === 1 && only?.[0] === 'env' && typeof only[1] === 'string') {
        if (!vars[only[1]]) found.push({ name: only[1], where });
        return;
      }
      for (const [key, value] of entries) visit(value, where === '' ? key : `${where}.${key}`);
    }
  };
  visit(config, '');
  return found;
}

/**
 * `missing`: what an unset placeholder becomes (for tools that only read the document, such as
 * `npm run send`). Without it the document is read to run the relay: every placeholder and every secret
 * variable it references must be set, or this throws a ConfigError naming them.
 */
export async function readLocalConfig(
  file: string,
  vars: Vars,
  missing?: string,
): Promise<{ config: RelayConfig; text: string }> {
  const text = fillPlaceholders(await readFile(file, 'utf8'), vars, file, missing);
  const config = parseRelayConfig(text, file);
  if (missing === undefined) {
    const unset = unsetSecretVariables(config, vars);
    if (unset.length > 0) {
      throw new ConfigError(
        `${file}: ${unset
          .map(({ name, where }) => `${where} names the environment variable ${name}, which is not set`)
          .join(
            '; ',
          )}. Set ${unset.length === 1 ? 'it' : 'them'} (or change the configuration) and start again.`,
      );
    }
  }
  return { config, text };
}

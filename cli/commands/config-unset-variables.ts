// What `config validate` says besides the schema: a secret reference `{ "env": NAME }` whose variable is unset
// here. The document is valid either way (validate checks the document, not this shell's variables), but
// `npm start` refuses to run with one unset (operations/config-file.ts), so validate warns, naming each and what
// would refuse it, rather than pass in silence a file the next command refuses.
import { readFile } from 'node:fs/promises';
import { parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { fillPlaceholders, unsetSecretVariables } from '../../operations/config-file.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';

/**
 * The variables local mode sets itself before it checks the others (local/stack.ts): the development webhook
 * secrets, the demo API's token, and the Klaviyo key (the mock's, or the one you export).
 */
export const SET_BY_LOCAL_MODE: readonly string[] = [
  ...Object.keys(DEV_SECRETS),
  'DEMO_API_TOKEN',
  'KLAVIYO_API_KEY',
];

/** One line for each secret variable the file names that is unset here and local mode does not set. */
export async function unsetVariableWarnings(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  placeholderStandIn: string,
): Promise<string[]> {
  const config = parseRelayConfig(
    fillPlaceholders(await readFile(file, 'utf8'), env, file, placeholderStandIn),
    file,
  );
  const setHere = { ...Object.fromEntries(SET_BY_LOCAL_MODE.map((name) => [name, 'set'])), ...env };
  return unsetSecretVariables(config, setHere).map(
    ({ name, where }) =>
      `${where} names the environment variable ${name}, which is not set here: \`npm start -- --config ${file}\` refuses to start until it is set`,
  );
}

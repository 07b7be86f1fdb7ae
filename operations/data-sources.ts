// Creating a data source (Klaviyo custom objects) in the account an API key names, for `relay data-source create`:
// records are written to a data source created once, and a mapping's `records` write names it by the id this
// prints (docs/adr/0034-custom-object-records.md). The request goes through the relay's own Klaviyo client, so
// it carries the same revision and User-Agent, and a refusal reads as deliver's do (status, code, detail, pointer).
import { createKlaviyoClient, type Fetch } from '../functions/deliver/klaviyo-client.ts';
import {
  DEFAULT_KLAVIYO_BASE_URL,
  DEFAULT_KLAVIYO_REVISION,
} from '../functions/shared/config/klaviyo-settings.ts';
import { klaviyoSettingsSchema } from '../functions/shared/config/relay-config.ts';

export const DATA_SOURCES_PATH = '/api/data-sources';

export interface DataSourceRequest {
  title: string;
  description?: string | undefined;
  visibility?: 'private' | 'shared' | undefined;
}

export interface KlaviyoAccount {
  apiKey: string;
  /** Default Klaviyo's own API. */
  baseUrl?: string | undefined;
  revision?: string | undefined;
  fetch?: Fetch;
}

export interface CreatedDataSource {
  id: string;
  title: string;
  visibility: string;
  description: string;
  namespace: string;
}

/** The account from flags and the environment: the key from a variable (KLAVIYO_API_KEY unless named). */
export function klaviyoAccountFromEnv(
  options: { apiKeyEnv?: string | undefined; baseUrl?: string | undefined; revision?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): KlaviyoAccount {
  const variable = options.apiKeyEnv ?? 'KLAVIYO_API_KEY';
  const apiKey = env[variable];
  if (!apiKey)
    throw new Error(`the environment variable ${variable} is not set: it holds the Klaviyo private API key`);
  return {
    apiKey,
    baseUrl: options.baseUrl ?? (env.KLAVIYO_BASE_URL || undefined),
    revision: options.revision,
  };
}

/** Create Data Source; resolves with the data source Klaviyo answers (201), throws with Klaviyo's error. */
export async function createDataSource(
  request: DataSourceRequest,
  account: KlaviyoAccount,
): Promise<CreatedDataSource> {
  const settings = klaviyoSettingsSchema().parse({
    api_key: { env: 'KLAVIYO_API_KEY' },
    base_url: account.baseUrl ?? DEFAULT_KLAVIYO_BASE_URL,
    revision: account.revision ?? DEFAULT_KLAVIYO_REVISION,
  });
  const client = createKlaviyoClient({
    settings,
    apiKey: () => Promise.resolve(account.apiKey),
    ...(account.fetch ? { fetch: account.fetch } : {}),
  });
  const response = await client.post(DATA_SOURCES_PATH, {
    data: {
      type: 'data-source',
      attributes: {
        title: request.title,
        ...(request.description === undefined ? {} : { description: request.description }),
        ...(request.visibility === undefined ? {} : { visibility: request.visibility }),
      },
    },
  });
  const document = (await response.json()) as {
    data?: { id?: unknown; attributes?: Omit<CreatedDataSource, 'id'> };
  };
  const id = document.data?.id;
  if (typeof id !== 'string' || !document.data?.attributes)
    throw new Error(`POST ${DATA_SOURCES_PATH} answered ${response.status} without a data source id`);
  const { title, visibility, description, namespace } = document.data.attributes;
  return { id, title, visibility, description, namespace };
}

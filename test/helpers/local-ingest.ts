// The ingest handler on the local emulators (their dedupe table and hydrate queue), in local mode so that the
// configuration's `{ "env": … }` secret references are read from `secrets`.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import type { RelayConfig } from '../../functions/shared/config/relay-config.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { LocalAws } from '../../local/emulators.ts';
import { LOCAL_MODE_ENV } from './configs.ts';

export interface LocalIngestOptions {
  /** In place of the emulators' own SQS client (e.g. one that fails or counts). */
  sqs?: SQSClient | undefined;
  logger?: Logger | undefined;
}

export function localIngest(
  aws: LocalAws,
  config: RelayConfig,
  secrets: Record<string, string>,
  options: LocalIngestOptions = {},
): ReturnType<typeof createIngestHandler> {
  return createIngestHandler({
    ...(options.logger && { logger: options.logger }),
    env: {
      ...LOCAL_MODE_ENV,
      ...secrets,
      DEDUPE_TABLE_NAME: aws.tableName,
      HYDRATE_QUEUE_URL: aws.hydrate.url,
    },
    sqs: options.sqs ?? aws.sqs,
    dynamodb: aws.dynamodb,
    loadConfig: () => Promise.resolve(config),
  });
}

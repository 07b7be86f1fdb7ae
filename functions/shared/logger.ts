// One structured logger per function (Powertools Logger: JSON lines, level from POWERTOOLS_LOG_LEVEL).
import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger };

export function createLogger(functionName: 'ingest' | 'hydrate' | 'deliver'): Logger {
  return new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'klaviyo-webhook-relay',
    persistentKeys: { function: functionName },
  });
}

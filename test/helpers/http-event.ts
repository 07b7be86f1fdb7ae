// Builds API Gateway HTTP API (payload 2.0) events for handler tests.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context.ts';

export interface HttpEventOptions {
  source: string;
  body: Buffer | string;
  headers?: Record<string, string>;
  method?: string;
  base64?: boolean;
}

export function httpEvent(options: HttpEventOptions): APIGatewayProxyEventV2 {
  const bytes = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  const base64 = options.base64 ?? false;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath: `/webhooks/${options.source}`,
    rawQueryString: '',
    headers: options.headers ?? {},
    pathParameters: { source: options.source },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: {
        method: options.method ?? 'POST',
        path: `/webhooks/${options.source}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: 'req-test',
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: base64,
  };
}

export const testContext = (name = 'ingest'): Context => lambdaContext(name, 'ctx-test');

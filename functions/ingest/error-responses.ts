// Turns every error into a JSON answer with a stable code, a message and the request id. Client errors
// say what was wrong; anything else is our side failing, answered 5xx so the sender retries.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from '../shared/metrics.ts';
import { MetricUnit } from '../shared/metrics.ts';
import { HttpError } from './http-error.ts';
import { jsonResponse } from './http-response.ts';
import type { IngestContext } from './verify-webhook.ts';

/** Errors thrown by middy's JSON body parser carry a status code; we give them our codes. */
function fromMiddy(error: Error & { statusCode?: number }): HttpError | undefined {
  if (error.statusCode === 415) {
    return new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  if (error.statusCode === 422 || error.statusCode === 400) {
    return new HttpError(400, 'malformed_json', 'body is not valid JSON');
  }
  return undefined;
}

export function errorResponses(deps: {
  logger: Logger;
  metrics: Metrics;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, IngestContext> {
  return {
    name: 'errorResponses',
    onError: (request) => {
      const error = request.error ?? new Error('unknown error');
      const known = error instanceof HttpError ? error : fromMiddy(error);
      const requestId = request.event.requestContext.requestId || request.context.awsRequestId;
      const source = request.event.pathParameters?.source;
      // The correlation id hydrate and deliver would log: as the request claims it (unverified) until verified.
      const correlation = request.context.claimedCorrelationId
        ? {
            correlation_id: request.context.claimedCorrelationId,
            verified: request.context.webhook !== undefined,
          }
        : {};
      if (known) {
        deps.logger.info('rejected', {
          source,
          ...correlation,
          outcome: 'rejected',
          status: known.statusCode,
          reason: known.code,
        });
        deps.metrics.addDimensions({ reason: known.code });
        deps.metrics.addMetric('rejected', MetricUnit.Count, 1);
        request.response = jsonResponse(
          known.statusCode,
          { code: known.code, message: known.message, request_id: requestId },
          known.headers,
        );
        return;
      }
      deps.logger.error('ingest failed', { source, ...correlation, outcome: 'error', error });
      deps.metrics.addMetric('internal_errors', MetricUnit.Count, 1);
      request.response = jsonResponse(
        500,
        {
          code: 'internal_error',
          message: 'the relay could not accept this webhook; retry later',
          request_id: requestId,
        },
        { 'retry-after': '5' },
      );
    },
  };
}

// CloudWatch metrics as EMF log lines (Powertools Metrics); POWERTOOLS_METRICS_DISABLED=true turns them off.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { Metrics, MetricUnit };

export function createMetrics(functionName: 'ingest' | 'hydrate' | 'deliver'): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'KlaviyoWebhookRelay',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'klaviyo-webhook-relay',
    defaultDimensions: { function: functionName },
  });
}

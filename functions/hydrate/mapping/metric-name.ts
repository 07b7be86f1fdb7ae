// The metric an event is recorded under: the event's own, the source's per event type, the source's, or the
// event type itself made readable.
import type { Mapping } from '../../shared/config/relay-config.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { evaluateExpression } from '../../shared/config/expression.ts';

type MetricSpec = Mapping['metric'];

/** `orders/create` → `Orders Create`; `invoice.payment_succeeded` → `Invoice Payment Succeeded`. */
export function humanizeEventType(eventType: string): string {
  return eventType
    .split(/[\s/._:-]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ')
    .slice(0, 127);
}

export async function metricNameFor(
  own: { spec: MetricSpec; where: string } | undefined,
  mapping: Mapping,
  eventType: string,
  context: unknown,
  where: string,
): Promise<string> {
  if (own?.spec !== undefined) return resolve(own.spec, context, own.where);
  const byType = Object.hasOwn(mapping.metric_by_event_type, eventType)
    ? mapping.metric_by_event_type[eventType]
    : undefined;
  if (byType !== undefined) return byType;
  if (mapping.metric !== undefined) return resolve(mapping.metric, context, `${where}.metric`);
  return humanizeEventType(eventType);
}

/** A literal name as it is; an expression's result must be a name Klaviyo takes (1–128 characters). */
async function resolve(spec: NonNullable<MetricSpec>, context: unknown, where: string): Promise<string> {
  if (typeof spec === 'string') return spec;
  const value = await evaluateExpression(spec.expr, context, where);
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > 128) {
    throw new PermanentError(
      `${where}: the expression gave ${JSON.stringify(value)?.slice(0, 80) ?? 'nothing'}, not a metric name of 1 to 128 characters`,
      'metric_invalid',
      { where },
    );
  }
  return name;
}

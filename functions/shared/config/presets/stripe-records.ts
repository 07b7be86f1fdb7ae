// The stripe preset's optional records (`Preset.optionalRecords`): each subscription as a custom-object record,
// named by the subscription id, so that every `customer.subscription.*` webhook about it (and every redelivery)
// updates one record. Times arrive as Unix seconds and are written as ISO 8601; a time Stripe leaves null (no
// trial, not cancelled) is written as null, so an update clears it. Amounts: `major`, as the preset's events use.
import type { Preset } from './preset.ts';

const SUBSCRIPTION = 'event.data.object';
/** A Unix-seconds field as ISO 8601, null when Stripe has none. */
const isoTime = (field: string) => ({ expr: `${field} ? $fromMillis(${field} * 1000) : null` });

export const subscriptionRecord = (
  major: (amount: string, currency: string) => string,
): NonNullable<Preset['optionalRecords']>[number] => ({
  id: 'subscriptions',
  event_types: [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
  ],
  record_id: `${SUBSCRIPTION}.id`,
  record: {
    customer_id: {
      expr: `$type(${SUBSCRIPTION}.customer) = 'string' ? ${SUBSCRIPTION}.customer : ${SUBSCRIPTION}.customer.id`,
    },
    customer_email: 'customer.email',
    status: `${SUBSCRIPTION}.status`,
    currency: { expr: `$uppercase(${SUBSCRIPTION}.currency)` },
    amount: {
      expr: `$sum(${SUBSCRIPTION}.items.data.(${major('price.unit_amount * quantity', 'price.currency')}))`,
    },
    quantity: { expr: `$sum(${SUBSCRIPTION}.items.data.quantity)` },
    interval: { expr: `${SUBSCRIPTION}.items.data[0].price.recurring.interval` },
    price_ids: { expr: `[${SUBSCRIPTION}.items.data.price.id]` },
    product_ids: {
      expr: `[${SUBSCRIPTION}.items.data.price.($type(product) = 'string' ? product : product.id)]`,
    },
    cancel_at_period_end: `${SUBSCRIPTION}.cancel_at_period_end`,
    started_at: isoTime(`${SUBSCRIPTION}.start_date`),
    // Since API 2025-03-31 the period is the item's; before, the subscription's.
    current_period_end: isoTime(
      `(${SUBSCRIPTION}.items.data[0].current_period_end ? ${SUBSCRIPTION}.items.data[0].current_period_end : ${SUBSCRIPTION}.current_period_end)`,
    ),
    trial_end: isoTime(`${SUBSCRIPTION}.trial_end`),
    cancel_at: isoTime(`${SUBSCRIPTION}.cancel_at`),
    canceled_at: isoTime(`${SUBSCRIPTION}.canceled_at`),
    ended_at: isoTime(`${SUBSCRIPTION}.ended_at`),
  },
});

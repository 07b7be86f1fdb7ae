// Klaviyo flow webhooks (the flow's Webhook action) are not signed: the flow sends a header whose value
// is a shared secret, compared in constant time. The body is whatever the flow's template renders, so the
// delivery id is read where the template puts one, or is a hash of the body.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { verifySecretHeader } from './secret-header.ts';
import { KLAVIYO_ORIGIN, type SourceAdapter } from './source-adapter.ts';
import { claimedHeaderValue, configuredDeliveryId, eventTypeOf } from './value-source.ts';

type KlaviyoFlowSource = Extract<OpaqueSourceConfig, { kind: 'klaviyo-flow' }>;

export const klaviyoFlow: SourceAdapter<KlaviyoFlowSource> = {
  verify: (request, secrets, config) => verifySecretHeader(request, secrets, config.secret_header),

  claimedDeliveryId: (request, config) => claimedHeaderValue(config.delivery_id, request),

  events(request, body, config) {
    const deliveryId = configuredDeliveryId(config.delivery_id, request, body);
    const eventType = eventTypeOf(config.event_type, request, body) ?? 'klaviyo.flow_webhook';
    return [{ deliveryId, eventType, meta: { ...KLAVIYO_ORIGIN }, payload: body }];
  },
};

// BigCommerce: authenticated by a header (and secret value) that the app set in the webhook's `headers`
// when registering it. Payloads are thin (`scope`, `data: { type, id }`, `hash`, `created_at`): `hash` is
// the same for a resent event, so it is the delivery id; without it, scope + data id + created_at.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { verifySecretHeader } from './secret-header.ts';
import { getPath } from '../../shared/json/path.ts';
import { HttpError } from '../http-error.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { eventTypeOf, scalarText } from './value-source.ts';

type BigCommerceSource = Extract<OpaqueSourceConfig, { kind: 'bigcommerce' }>;

export const bigcommerce: SourceAdapter<BigCommerceSource> = {
  verify: (request, secrets, config) => verifySecretHeader(request, secrets, config.secret_header),

  events(request, body, config) {
    const scope = scalarText(getPath(body, 'scope'));
    const dataId = scalarText(getPath(body, 'data.id'));
    const createdAt = scalarText(getPath(body, 'created_at'));
    const hash = scalarText(getPath(body, 'hash'));
    let deliveryId = hash;
    if (!deliveryId && scope && dataId && createdAt) deliveryId = `${scope}:${dataId}:${createdAt}`;
    if (!deliveryId) {
      throw new HttpError(
        400,
        'missing_delivery_id',
        'the payload has neither hash nor scope, data.id and created_at',
      );
    }
    const meta: Record<string, string> = {};
    const storeId = scalarText(getPath(body, 'store_id'));
    const producer = scalarText(getPath(body, 'producer'));
    if (storeId) meta.store_id = storeId;
    if (producer) meta.producer = producer;
    if (scope) meta.scope = scope;
    const eventType = eventTypeOf(config.event_type, request, body, scope) ?? 'bigcommerce/webhook';
    return [{ deliveryId, eventType, meta, payload: body }];
  },
};

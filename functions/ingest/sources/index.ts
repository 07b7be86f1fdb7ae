// The registry of sender kinds: adding a kind means one file here, its name in shared/config/source-kinds.ts and
// its member in shared/config/source-schema.ts.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { bigcommerce } from './bigcommerce.ts';
import { genericHmac } from './generic-hmac.ts';
import { klaviyoFlow } from './klaviyo-flow.ts';
import { klaviyo } from './klaviyo.ts';
import { shopify } from './shopify.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { standardWebhooks } from './standard-webhooks.ts';
import { stripe } from './stripe.ts';
import { token } from './token.ts';
import { woocommerce } from './woocommerce.ts';
import { zendesk } from './zendesk.ts';

const adapters: {
  [K in OpaqueSourceConfig['kind']]: SourceAdapter<Extract<OpaqueSourceConfig, { kind: K }>>;
} = {
  shopify,
  stripe,
  'standard-webhooks': standardWebhooks,
  klaviyo,
  'klaviyo-flow': klaviyoFlow,
  bigcommerce,
  woocommerce,
  zendesk,
  'generic-hmac': genericHmac,
  token,
};

export function adapterFor(config: OpaqueSourceConfig): SourceAdapter {
  return adapters[config.kind];
}

// The registry of sender kinds: adding a kind means one file here and one schema in shared/config.ts.
import type { SourceConfig } from '../../shared/config.ts';
import { genericHmac } from './generic-hmac.ts';
import { shopify } from './shopify.ts';
import type { SourceAdapter } from './source-adapter.ts';

const adapters: { [K in SourceConfig['kind']]: SourceAdapter<Extract<SourceConfig, { kind: K }>> } = {
  shopify,
  'generic-hmac': genericHmac,
};

export function adapterFor(config: SourceConfig): SourceAdapter {
  return adapters[config.kind];
}

// The send command `npm start`'s banner suggests: for a source the running configuration has (a configuration
// without a `demo` source must not be told to send to one), with a sample that fits its kind where the
// repository has one.
import type { RelayConfig } from '../functions/shared/config/relay-config.ts';

export interface SendSuggestion {
  source: string;
  /** The sample (and flags) to send, or a placeholder for the user's own body. */
  file: string;
  intro: string;
}

export function sendSuggestion(config: RelayConfig): SendSuggestion {
  const entries = Object.entries(config.sources);
  if (entries.some(([name, source]) => name === 'demo' && source.kind === 'generic-hmac'))
    return { source: 'demo', file: 'samples/demo-order.json', intro: 'Send a signed sample order' };
  const shopify = entries.find(([, source]) => source.kind === 'shopify');
  if (shopify)
    return {
      source: shopify[0],
      file: 'samples/order-with-line-items.json --event-type orders/create',
      intro: 'Send a signed sample Shopify order',
    };
  const [first] = entries;
  return {
    source: first?.[0] ?? '<source>',
    file: '<your-webhook.json>',
    intro: 'Send a signed webhook body of your own',
  };
}

// The sender kinds: how each source's webhooks are verified (functions/ingest/sources/, one adapter a kind). Its
// own module, imported as a type alone, so that the presets' names (./preset-names.ts) and the source schema
// (./source-schema.ts) both name the kinds without importing each other. The source schema has one member a
// kind and its compiler check keeps the two equal (./opaque-relay-config.ts).

export type SourceKind =
  | 'shopify'
  | 'stripe'
  | 'standard-webhooks'
  | 'klaviyo'
  | 'klaviyo-flow'
  | 'bigcommerce'
  | 'woocommerce'
  | 'zendesk'
  | 'generic-hmac'
  | 'token';

// config/local.json's webhook secrets when their variables are unset and events stay on this machine: local mode
// runs with them (local/stack.ts) and `relay send` signs with them, so both live here rather than in either.
// They are committed, so anyone can sign with them: when events go off this machine (a real Klaviyo account),
// local mode makes each unset one a random value for the run instead (`generatedSecrets`, which the banner prints).
export const DEV_SECRETS = {
  DEMO_WEBHOOK_SECRET: 'local-demo-webhook-secret',
  SHOPIFY_WEBHOOK_SECRET: 'local-shopify-webhook-secret',
} as const;

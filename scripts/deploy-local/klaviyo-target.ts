// Where `npm run deploy:local`'s deliver sends, decided as `npm start` decides it (docs/operations.md): with
// KLAVIYO_API_KEY the real Klaviyo (or KLAVIYO_BASE_URL), with KLAVIYO_BASE_URL alone that server, with neither the
// Klaviyo mock it starts. The choice reaches the deployment as Terraform variables of the complete example.
export type KlaviyoTarget =
  { kind: 'mock'; baseUrl: string; port: number } | { kind: 'given'; baseUrl: string; keyFromEnv: boolean };

export function klaviyoTarget(
  env: Readonly<Record<string, string | undefined>>,
  mockPort: number,
): KlaviyoTarget {
  const key = env.KLAVIYO_API_KEY;
  const base = env.KLAVIYO_BASE_URL;
  if (key || base)
    return { kind: 'given', baseUrl: base || 'https://a.klaviyo.com', keyFromEnv: Boolean(key) };
  return { kind: 'mock', baseUrl: `http://127.0.0.1:${mockPort}`, port: mockPort };
}

/**
 * The example's variables for that choice and the demo API: the URLs for a `*.auto.tfvars.json` file in the root
 * (so that a later `terraform plan` there uses them too), and the key, only when KLAVIYO_API_KEY gives one, as
 * TF_VAR_klaviyo_api_key in the environment (never in a file or on a command line). Without it the key parameter
 * keeps its placeholder, which the mock accepts.
 */
export function terraformVariables(
  target: KlaviyoTarget,
  demoApiUrl: string,
  env: Readonly<Record<string, string | undefined>>,
): { file: Record<string, string>; env: Record<string, string> } {
  const file = { klaviyo_base_url: target.baseUrl, demo_api_base_url: demoApiUrl };
  const key = target.kind === 'given' && target.keyFromEnv ? env.KLAVIYO_API_KEY : undefined;
  return { file, env: key ? { TF_VAR_klaviyo_api_key: key } : {} };
}

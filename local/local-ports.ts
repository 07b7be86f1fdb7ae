// The ports local mode listens on: the webhook endpoint (--port / PORT, default 3000), and next to it the
// Klaviyo mock (KLAVIYO_MOCK_PORT, default the webhook port + 1) and the demo source API (DEMO_API_PORT, default
// + 2). Fixed by default, so the URLs the banner prints (and a bookmarked `<mock>/_mock/events`) stay the same
// from one start to the next; a relay started with --port 4000 moves all three, so two relays can run side by side.
// Port 0 picks free ports, as the tests do.

export interface LocalPorts {
  webhook: number;
  klaviyoMock: number;
  demoApi: number;
}

export const DEFAULT_WEBHOOK_PORT = 3000;

function portOf(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535)
    throw new Error(`${name} must be a port number (0–65535, 0 for a free one), not "${value}"`);
  return port;
}

export function localPorts(
  flagPort: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LocalPorts {
  const webhook =
    flagPort !== undefined
      ? portOf(flagPort, '--port')
      : env.PORT
        ? portOf(env.PORT, 'PORT')
        : DEFAULT_WEBHOOK_PORT;
  const next = (offset: number, name: 'KLAVIYO_MOCK_PORT' | 'DEMO_API_PORT') => {
    const value = env[name];
    if (value) return portOf(value, name);
    return webhook === 0 ? 0 : webhook + offset;
  };
  return { webhook, klaviyoMock: next(1, 'KLAVIYO_MOCK_PORT'), demoApi: next(2, 'DEMO_API_PORT') };
}

// Runs the Klaviyo mock on its own: `npx tsx local/klaviyo-mock/cli.ts`.
// Environment: KLAVIYO_MOCK_PORT (default 0 = any free port), KLAVIYO_MOCK_HOST (default 127.0.0.1),
// KLAVIYO_MOCK_API_KEY (require this key), KLAVIYO_MOCK_TIME_SCALE (default 1), KLAVIYO_MOCK_LIMITS
// (`published` or `off`).
import { startKlaviyoMock } from './server.ts';
import type { KlaviyoMockOptions } from './types.ts';

const env = process.env;
const limits = env.KLAVIYO_MOCK_LIMITS === 'off' ? 'off' : 'published';
const options: KlaviyoMockOptions = {
  port: Number(env.KLAVIYO_MOCK_PORT ?? 0),
  timeScale: Number(env.KLAVIYO_MOCK_TIME_SCALE ?? 1),
  limits,
  log: (line) => console.log(line),
};
if (env.KLAVIYO_MOCK_HOST !== undefined) options.host = env.KLAVIYO_MOCK_HOST;
if (env.KLAVIYO_MOCK_API_KEY !== undefined) options.apiKey = env.KLAVIYO_MOCK_API_KEY;

const mock = await startKlaviyoMock(options);
console.log(`klaviyo-mock listening on ${mock.url} (time scale ${options.timeScale}, limits ${limits})`);
console.log(`  POST ${mock.url}/api/events  ·  recorded events: GET ${mock.url}/_mock/events`);

const stop = (): void => {
  void mock.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

// `relay data-source create <title>`: creates a data source (custom objects) in the Klaviyo account the key names
// and prints its id, the value a mapping's `records` write names; run here against the Klaviyo mock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { runRelay } from '../helpers/relay-cli.ts';

describe('relay data-source create', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ apiKey: 'pk_data_source' });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  const env = () => ({ KLAVIYO_API_KEY: 'pk_data_source', KLAVIYO_BASE_URL: mock.url });

  it('creates the data source and prints its id alone', async () => {
    const { stdout } = await runRelay(
      ['data-source', 'create', 'Zendesk tickets', '--description', 'Support tickets'],
      env(),
    );
    const [created] = mock.dataSources();
    expect(created).toMatchObject({
      title: 'Zendesk tickets',
      description: 'Support tickets',
      visibility: 'private',
      namespace: 'custom-objects',
    });
    expect(stdout).toBe(`${created?.id}\n`);
    expect(mock.requests()).toMatchObject([{ operation: 'create_data_source', status: 201 }]);
  });

  it('takes the key from another variable and the base URL from a flag, and prints JSON on request', async () => {
    const { stdout } = await runRelay(
      [
        'data-source',
        'create',
        'Stripe subscriptions',
        '--api-key-env',
        'MY_KEY',
        '--base-url',
        mock.url,
        '--json',
      ],
      { MY_KEY: 'pk_data_source', KLAVIYO_API_KEY: '', KLAVIYO_BASE_URL: '' },
    );
    const [created] = mock.dataSources();
    expect(JSON.parse(stdout)).toEqual({
      id: created?.id,
      title: 'Stripe subscriptions',
      visibility: 'private',
      description: '',
      namespace: 'custom-objects',
    });
  });

  /** The exit code and standard error of a run that must fail. */
  const failure = (args: string[], environment: NodeJS.ProcessEnv) =>
    runRelay(args, environment).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it("fails with Klaviyo's error when the title is taken, when the key is missing, and on a bad visibility", async () => {
    mock.createDataSource('Zendesk tickets');
    const taken = await failure(['data-source', 'create', 'Zendesk tickets'], env());
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/409: conflict · A data source titled 'Zendesk tickets' already exists/);
    const keyless = await failure(['data-source', 'create', 'Other'], { ...env(), KLAVIYO_API_KEY: '' });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/KLAVIYO_API_KEY is not set/);
    const visibility = await failure(['data-source', 'create', 'Other', '--visibility', 'public'], env());
    expect(visibility.code).toBe(1);
    expect(visibility.stderr).toMatch(/--visibility must be private or shared/);
    expect(mock.dataSources()).toHaveLength(1);
  });
});

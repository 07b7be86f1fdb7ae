// `npm run deploy:local` without moto or Terraform (issue 22): its options and their checks, and the root it
// applies — the complete example's files with only the module source changed, plus the override that sends
// every AWS service the module uses to moto —, the ports and the Klaviyo it runs the functions with, and the
// stack file that names the local webhook endpoint. The apply itself needs moto_server and takes minutes: run by
// hand; the runner's parts are tested in local-aws-runner.test.ts and against moto in test/infra/moto-apply.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { klaviyoTarget, terraformVariables } from '../../scripts/deploy-local/klaviyo-target.ts';
import { deployLocalOptions, DEFAULT_PORT, localPorts } from '../../scripts/deploy-local/options.ts';
import { EXAMPLE_DIR, moduleSourceFor, prepareRoot } from '../../scripts/deploy-local/root.ts';
import {
  demoApiTokenSecretOf,
  runningStackOutputs,
  stringMapOutput,
} from '../../scripts/deploy-local/stack-outputs.ts';
import { PROVIDER_SERVICES } from '../../scripts/local-aws/moto.ts';
import { repoRoot } from '../../scripts/local-aws/run.ts';

describe('deploy:local options', () => {
  it('defaults to applying on port 5000 under .local/deploy-local', () => {
    expect(deployLocalOptions({})).toEqual({
      destroy: false,
      port: DEFAULT_PORT,
      dir: path.join(repoRoot, '.local', 'deploy-local'),
      endpoint: 'http://127.0.0.1:5000',
    });
  });

  it('takes --destroy, --port and --dir', () => {
    const options = deployLocalOptions({ destroy: true, port: '4566', dir: '/tmp/relay-moto' });
    expect(options).toEqual({
      destroy: true,
      port: 4566,
      dir: '/tmp/relay-moto',
      endpoint: 'http://127.0.0.1:4566',
    });
  });

  it.each(['abc', '0', '65536', '-1', '50.5', ''])('refuses --port %j, naming the option', (port) => {
    expect(() => deployLocalOptions({ port })).toThrow(
      `--port must be a TCP port number from 1 to 65535, not "${port}"`,
    );
  });

  it.each(['.', 'terraform', 'docs/tmp'])(
    'refuses a --dir inside the clone outside .local/ and .tmp/ (%j)',
    (dir) => {
      expect(() => deployLocalOptions({ dir })).toThrow(
        /--dir must be outside the repository or under \.local\/ or \.tmp\//,
      );
    },
  );
});

describe('deploy:local root', () => {
  it('points the module at this clone from anywhere, as a local path', () => {
    for (const root of [path.join(repoRoot, '.local', 'deploy-local', 'root'), '/tmp/x/root']) {
      const source = moduleSourceFor(root);
      expect(source).toMatch(/^\.\.?\//);
      expect(path.resolve(root, source)).toBe(path.join(repoRoot, 'terraform'));
    }
  });

  it('copies the complete example with only the module source changed, and sends every service to moto', async () => {
    const root = path.join(await mkdtemp(path.join(tmpdir(), 'deploy-local-')), 'root');
    await prepareRoot(root, 'http://127.0.0.1:5999');
    const example = (await readdir(EXAMPLE_DIR)).filter((f) => f.endsWith('.tf')).sort();
    expect((await readdir(root)).sort()).toEqual([...example, 'moto_override.tf'].sort());
    for (const file of example) {
      const original = await readFile(path.join(EXAMPLE_DIR, file), 'utf8');
      const copied = await readFile(path.join(root, file), 'utf8');
      expect(copied).toBe(original.replace('source = "../../"', `source = "${moduleSourceFor(root)}"`));
    }
    expect(await readFile(path.join(root, 'main.tf'), 'utf8')).not.toContain('"../../"');

    const override = await readFile(path.join(root, 'moto_override.tf'), 'utf8');
    const endpoints = [...override.matchAll(/^\s+(\w+)\s+= "http:\/\/127\.0\.0\.1:5999"$/gm)].map(
      (m) => m[1],
    );
    expect(endpoints).toEqual([...PROVIDER_SERVICES]);
    expect(PROVIDER_SERVICES).toHaveLength(13);
    expect(override).toMatch(/^# Written by npm run deploy:local:/);
    expect(override).toMatch(/module "relay" \{\n\s+validate_configuration = false\n\}/);
  });
});

describe('deploy:local while it runs the functions', () => {
  it('puts the webhook endpoint, the Klaviyo mock and the demo API on the three ports after moto', () => {
    expect(localPorts({ port: 5000 })).toEqual({ webhook: 5001, klaviyoMock: 5002, demoApi: 5003 });
    expect(() => localPorts({ port: 65_533 })).toThrow(/--port must leave the next three ports free/);
  });

  it('sends to the Klaviyo mock unless KLAVIYO_API_KEY or KLAVIYO_BASE_URL says otherwise', () => {
    const demo = 'http://127.0.0.1:5003';
    const mock = klaviyoTarget({}, 5002);
    expect(mock).toEqual({ kind: 'mock', baseUrl: 'http://127.0.0.1:5002', port: 5002 });
    expect(terraformVariables(mock, demo, {})).toEqual({
      file: { klaviyo_base_url: 'http://127.0.0.1:5002', demo_api_base_url: demo },
      env: {},
    });
    const real = { KLAVIYO_API_KEY: 'pk_real' };
    expect(terraformVariables(klaviyoTarget(real, 5002), demo, real)).toEqual({
      file: { klaviyo_base_url: 'https://a.klaviyo.com', demo_api_base_url: demo },
      env: { TF_VAR_klaviyo_api_key: 'pk_real' },
    });
    const other = { KLAVIYO_BASE_URL: 'http://127.0.0.1:9999' };
    expect(klaviyoTarget(other, 5002)).toEqual({
      kind: 'given',
      baseUrl: 'http://127.0.0.1:9999',
      keyFromEnv: false,
    });
    expect(terraformVariables(klaviyoTarget(other, 5002), demo, other).env).toEqual({});
  });

  it("writes Terraform's outputs with the API's addresses on the local endpoint, the rest as it is", () => {
    const outputs = {
      api_endpoint: { value: 'https://abc.execute-api.us-east-2.amazonaws.com', sensitive: false },
      webhook_base_url: { value: 'https://abc.execute-api.us-east-2.amazonaws.com/webhooks' },
      webhook_urls: {
        value: {
          demo: 'https://abc.execute-api.us-east-2.amazonaws.com/webhooks/demo',
          'my shop': 'https://abc.execute-api.us-east-2.amazonaws.com/webhooks/my%20shop',
        },
      },
      dedupe_table_name: { value: 'relay-dedupe' },
    };
    expect(runningStackOutputs(outputs, 'http://127.0.0.1:5001')).toEqual({
      api_endpoint: { value: 'http://127.0.0.1:5001', sensitive: false },
      webhook_base_url: { value: 'http://127.0.0.1:5001/webhooks' },
      webhook_urls: {
        value: {
          demo: 'http://127.0.0.1:5001/webhooks/demo',
          'my shop': 'http://127.0.0.1:5001/webhooks/my%20shop',
        },
      },
      dedupe_table_name: { value: 'relay-dedupe' },
    });
    expect(outputs.webhook_base_url.value).toMatch(/^https:/); // not changed in place
  });

  it('finds the demo API token secret and the function names in the outputs, or says which is missing', () => {
    const document = {
      sources: { demo: { hydration: { auth: { secret: { secrets_manager: 'arn:aws:secretsmanager:x' } } } } },
    };
    expect(demoApiTokenSecretOf({ config_document: { value: JSON.stringify(document) } })).toBe(
      'arn:aws:secretsmanager:x',
    );
    expect(demoApiTokenSecretOf({ config_document: { value: '{"sources":{}}' } })).toBeUndefined();
    expect(stringMapOutput({ function_names: { value: { ingest: 'a' } } }, 'function_names')).toEqual({
      ingest: 'a',
    });
    expect(() => stringMapOutput({}, 'function_names')).toThrow('the outputs have no "function_names" map');
  });
});

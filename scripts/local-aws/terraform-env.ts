// The environment Terraform runs in here: providers only from the local mirror (scripts/terraform-cli-config.sh),
// automation mode, no prompts.
import path from 'node:path';
import { describeRun, repoRoot, run } from './run.ts';

/** Providers come from the local mirror: $TF_PLUGIN_MIRROR, default /opt/tf-plugins. */
export const providerMirror = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';

/**
 * Writes a Terraform CLI configuration with scripts/terraform-cli-config.sh and returns the environment for
 * Terraform child processes: that configuration, automation mode, no prompts.
 */
export async function terraformEnv(
  configFile: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  const result = await run('bash', [path.join(repoRoot, 'scripts', 'terraform-cli-config.sh'), configFile]);
  if (result.code !== 0) throw new Error(describeRun('scripts/terraform-cli-config.sh', result));
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: result.stdout.trim(),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...extra,
  };
}

// The `klaviyo-relay` command tree: every command, its arguments and options. Each command lives in cli/commands/
// and uses the same code as the functions, so what it prints is what the relay would do. cli/relay.ts runs it;
// scripts/cli-docs.ts writes docs/cli.md from it.
import { Command } from 'commander';
import { registerConfigCommands } from './commands/config.ts';
import { registerConsoleCommand } from './commands/console.ts';
import { registerDataSourceCommands } from './commands/data-source.ts';
import { registerDlqCommands } from './commands/dlq.ts';
import { registerMapCommand } from './commands/map.ts';
import { registerReplayCommand } from './commands/replay.ts';
import { registerSendCommand } from './commands/send.ts';
import { registerTraceCommand } from './commands/trace.ts';
import { RELAY_VERSION } from '../functions/shared/version.ts';

export function relayProgram(): Command {
  const program = new Command('klaviyo-relay')
    .description(
      'Operate klaviyo-webhook-relay, deployed or in local mode: dead letters, configurations, mappings.',
    )
    .version(RELAY_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerConfigCommands(program);
  registerConsoleCommand(program);
  registerDataSourceCommands(program);
  registerDlqCommands(program);
  registerMapCommand(program);
  registerReplayCommand(program);
  registerSendCommand(program);
  registerTraceCommand(program);
  return program;
}

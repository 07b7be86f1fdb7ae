// `klaviyo-relay` (`npm run relay -- <command>` in the repository): the operator's tool. Each command lives in
// cli/commands/ and uses the same code as the functions, so what it prints is what the relay would do.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../functions/shared/config/relay-config.ts';
import { registerConfigCommands } from './commands/config.ts';
import { registerDlqCommands } from './commands/dlq.ts';
import { registerMapCommand } from './commands/map.ts';
import { registerReplayCommand } from './commands/replay.ts';
import { registerSendCommand } from './commands/send.ts';
import { registerTraceCommand } from './commands/trace.ts';
import { RELAY_VERSION } from '../functions/shared/version.ts';

const program = new Command('klaviyo-relay')
  .description(
    'Operate klaviyo-webhook-relay, deployed or in local mode: dead letters, configurations, mappings.',
  )
  .version(RELAY_VERSION)
  .showHelpAfterError()
  .exitOverride();

registerConfigCommands(program);
registerDlqCommands(program);
registerMapCommand(program);
registerReplayCommand(program);
registerSendCommand(program);
registerTraceCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its own usage errors (and --help/--version exit through here with code 0).
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // One line that says why; the stack only on request.
  const message = error instanceof ConfigError ? error.message : String((error as Error).message ?? error);
  console.error(`klaviyo-relay: ${message}`);
  if (process.env.RELAY_DEBUG) console.error(error);
  process.exit(1);
}

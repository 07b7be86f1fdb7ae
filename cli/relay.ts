// `klaviyo-relay` (`npm run relay -- <command>` in the repository): the operator's tool. Runs the command tree
// (./program.ts) and turns what fails into one line and an exit code.
import { CommanderError } from 'commander';
import { errorLine } from './error-line.ts';
import { relayProgram } from './program.ts';

const program = relayProgram();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its own usage errors (and --help/--version exit through here with code 0).
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // One line that says why; the stack only on request.
  console.error(`klaviyo-relay: ${errorLine(error)}`);
  if (process.env.RELAY_DEBUG) console.error(error);
  process.exit(1);
}

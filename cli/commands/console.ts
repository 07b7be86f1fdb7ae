// `console`: the relay's web console on this machine — a server on 127.0.0.1 with a per-run token in the URL
// it prints (cli/console/server.ts), reading the stack the other commands read, with the operator's own
// credentials. Opens the browser unless --no-open; Ctrl-C stops it.
import { spawn } from 'node:child_process';
import { Option, type Command } from 'commander';
import { CONSOLE_ROUTES } from '../console/routes.ts';
import { startConsoleServer } from '../console/server.ts';
import { loadStack, type RelayStack, type StackOptions } from '../../operations/relay-stack.ts';
import { LOCAL_STACK_FILE } from '../../operations/stack-file.ts';
import { withStackOptions } from '../stack-options.ts';

interface ConsoleOptions extends StackOptions {
  port: string;
  open: boolean;
}

/** The line `npm start` looks for in this command's output (local/console-link.ts): keep its shape. */
export const CONSOLE_URL_PREFIX = 'Console: ';

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a whole number from 0 to 65535 (0: any free port), not ${text}`);
  return port;
}

/** The platform's way to open a URL; a failure only means the operator opens it by hand. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export function registerConsoleCommand(program: Command): void {
  withStackOptions(program.command('console'))
    .description(
      "The relay's web console on this machine (127.0.0.1 only, a new token per run): queues and counters, webhooks and their traces.",
    )
    .addOption(new Option('--port <n>', 'the port to listen on (0: any free port)').default('0'))
    .option('--no-open', 'print the URL without opening a browser')
    .action(async (options: ConsoleOptions) => {
      const port = portOf(options.port);
      let loaded: Promise<RelayStack> | undefined;
      const console_ = await startConsoleServer({
        routes: CONSOLE_ROUTES,
        port,
        context: {
          stack: () => (loaded ??= loadStack(options)),
          stackFile: options.stack ?? LOCAL_STACK_FILE,
        },
      });
      console.log(`${CONSOLE_URL_PREFIX}${console_.url}`);
      console.log('Listening on 127.0.0.1 only; the token in the URL is new each run. Ctrl-C stops it.');
      if (options.open) openBrowser(console_.url);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const)
          process.once(signal, () => void console_.close().then(resolve));
      });
    });
}

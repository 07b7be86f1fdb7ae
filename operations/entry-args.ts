// The command line of an entry point that is not the relay CLI (`npm start`, `npm run send`, the build, docs and
// bench scripts): node's parseArgs, plus what commander gives the CLI — `--help` prints the usage and exits 0, and
// an option it does not know prints one line and the usage and exits 2, never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface EntryUsage {
  /** How it is run, e.g. `npm run send --`. */
  command: string;
  /** What follows the command: positionals, e.g. `<source> <file.json>`. */
  synopsis?: string;
  /** One or two sentences on what it does. */
  description: string;
  /** Each option's meaning, by its name (defaults are added from the options). */
  options?: Readonly<Record<string, string>>;
}

/** The usage text: the command with its arguments, what it does, and each option with its default. */
export function entryUsage(usage: EntryUsage, options: Options = {}): string {
  const rows = Object.entries(options).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ' <value>' : ''}`;
    const fallback = option.default === undefined ? '' : ` (default: ${String(option.default)})`;
    return [flag, `${usage.options?.[name] ?? ''}${fallback}`.trim()] as const;
  });
  rows.push(['-h, --help', 'print this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `usage: ${usage.command} ${usage.synopsis ? `${usage.synopsis} ` : ''}[options]`,
    '',
    usage.description,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`.trimEnd()),
    '',
  ].join('\n');
}

/** Thrown by parseArgs for what it cannot read (an unknown option, a missing value, a stray positional). */
const isArgsError = (error: unknown): error is Error =>
  error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');

/**
 * Parses `args` (default: the process's) for an entry point. `--help`/`-h` prints the usage to stdout and exits
 * 0; a parse error prints `<command>: <message>` and the usage to stderr and exits 2.
 */
export function parseEntryArgs<T extends Options>(
  usage: EntryUsage,
  options: T,
  config: { allowPositionals?: boolean; args?: string[] } = {},
) {
  const args = config.args ?? process.argv.slice(2);
  const text = entryUsage(usage, options);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(text);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, allowPositionals: config.allowPositionals ?? false, strict: true });
  } catch (error) {
    if (!isArgsError(error)) throw error;
    process.stderr.write(`${usage.command.replace(/ --$/, '')}: ${error.message.split('\n')[0]}\n\n${text}`);
    process.exit(2);
  }
}

// `replay --source <name> --from <time> --to <time>`: archived webhooks of a time range fed through hydrate and
// deliver again. Dedupe is bypassed (the messages go straight to the hydrate queue); Klaviyo's unique_id keeps an
// event that already arrived from arriving twice; `--backfill` (the default) marks every event so flows do not
// fire again for what happened before. Events only: state writes (profile upserts, consent, catalog rows,
// custom-object records, back-in-stock subscriptions) are replayed with
// `--with-profiles`, and then deliver still skips any older than what the relay has written since
// (docs/adr/0026-replay-and-state-writes.md, docs/adr/0030-consent-as-state.md). The run itself:
// ../replay-archive.ts (the console's Replay page runs it too).
import { Option, type Command } from 'commander';
import { parseDuration } from '../duration.ts';
import { startProgress } from '../progress.ts';
import { replayArchive } from '../replay-archive.ts';
import { loadStack, type StackOptions } from '../../operations/relay-stack.ts';
import { withStackOptions } from '../stack-options.ts';

export { replayCopy } from '../replay-archive.ts';

interface ReplayOptions extends StackOptions {
  source?: string[];
  from: string;
  to?: string;
  backfill: boolean;
  withProfiles?: boolean;
  rate: string;
  dryRun?: boolean;
  json?: boolean;
}

/** An ISO 8601 time, or a duration ago (`2h`, `3d`). */
export function parseTime(text: string, now: number): Date {
  if (/^\d+(\.\d+)?\s*[smhd]?$/.test(text.trim())) return new Date(now - parseDuration(text));
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed))
    throw new Error(`"${text}" is not a time: use ISO 8601 (2026-12-03T09:00:00Z) or a duration ago (2h)`);
  return new Date(parsed);
}

export function registerReplayCommand(program: Command): void {
  withStackOptions(program.command('replay'))
    .description('Feed archived webhooks of a time range through hydrate and deliver again.')
    .option('--source <name...>', 'only these sources (default: every source)')
    .requiredOption('--from <time>', 'start: ISO 8601, or a duration ago (e.g. 6h)')
    .option('--to <time>', 'end: ISO 8601, or a duration ago (default: now)')
    .option('--no-backfill', 'let the events trigger flows (default: sent as backfill, so flows do not fire)')
    .option(
      '--with-profiles',
      'replay state writes too: profiles, consent, catalog rows, records, back in stock (default: events only); never over a newer version',
    )
    .addOption(new Option('--rate <per-second>', 'webhooks sent a second at most').default('50'))
    .option('--dry-run', 'count what would be replayed; send nothing')
    .option('--json', 'print JSON')
    .action(async (options: ReplayOptions) => {
      const now = Date.now();
      const from = parseTime(options.from, now);
      const to = options.to ? parseTime(options.to, now) : new Date(now);
      const stack = await loadStack(options);
      const result = await replayArchive(
        stack,
        {
          ...(options.source && { sources: new Set(options.source) }),
          from,
          to,
          backfill: options.backfill,
          profiles: Boolean(options.withProfiles),
          rate: Number(options.rate),
          dryRun: Boolean(options.dryRun),
        },
        {
          progress: (objects) => startProgress('replaying', objects, { json: options.json }),
          onInvalid: (key, line, problem) => {
            if (!options.json) console.error(`${key}:${line}: ${problem}`);
          },
        },
      );
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else
        console.log(
          `${result.dry_run ? 'would replay' : 'replayed'} ${result.dry_run ? result.matched : result.replayed} webhooks received ${result.from} … ${result.to}` +
            ` (${result.objects} archive objects; ${result.duplicates} archived twice, sent once; ${result.failed} could not be sent; backfill ${result.backfill ? 'on' : 'off'}; state writes ${result.profiles ? 'on, newer ones kept' : 'left out'})`,
        );
      if (result.failed > 0 || result.invalid_lines > 0) process.exitCode = 1;
    });
}

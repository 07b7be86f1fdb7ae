// `replay --source <name> --from <time> --to <time>`: archived webhooks of a time range fed through hydrate and
// deliver again. Dedupe is bypassed (the messages go straight to the hydrate queue); Klaviyo's unique_id keeps an
// event that already arrived from arriving twice; `--backfill` (the default) marks every event so flows do not
// fire again for what happened before. Events only: state writes (profile upserts, consent, catalog rows,
// custom-object records, back-in-stock subscriptions) are replayed with
// `--with-profiles`, and then deliver still skips any older than what the relay has written since
// (docs/adr/0026-replay-and-state-writes.md, docs/adr/0030-consent-as-state.md).
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { createS3ClaimCheckWriter } from '../../functions/shared/stage/claim-check.ts';
import type { WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { archiveObjects, readArchiveObject, type ArchiveLocation } from '../archive-reader.ts';
import { parseDuration } from '../duration.ts';
import { startProgress } from '../progress.ts';
import { loadStack, required, type RelayStack, type StackOptions } from '../../operations/relay-stack.ts';
import { withStackOptions } from '../stack-options.ts';

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

/**
 * The message a replay sends for an archived webhook: the webhook as ingest enqueued it (flags an earlier replay
 * left on an archived copy are dropped), marked as a replay, and as backfill when asked.
 */
export function replayCopy(
  archived: WebhookReceivedV1,
  options: { backfill: boolean; profiles: boolean },
): WebhookReceivedV1 {
  const received: WebhookReceivedV1 = { ...archived };
  delete received.backfill;
  delete received.replay;
  return {
    ...received,
    ...(options.backfill && { backfill: true }),
    replay: { profiles: options.profiles },
  };
}

function archiveOf(stack: RelayStack): ArchiveLocation {
  if (stack.archiveDir) return { dir: stack.archiveDir };
  return {
    bucket: required(stack.archiveBucketName, 'the archive', '--stack (with archive.enabled)', stack),
    s3: stack.s3,
  };
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
      if (from > to) throw new Error(`--from (${from.toISOString()}) is after --to (${to.toISOString()})`);
      const rate = Number(options.rate);
      if (!Number.isFinite(rate) || rate <= 0)
        throw new Error(`--rate must be a positive number, not ${options.rate}`);
      const stack = await loadStack(options);
      const location = archiveOf(stack);
      const queueUrl = required(stack.queueUrls.hydrate, 'the hydrate queue', '--hydrate-queue-url', stack);
      // Messages larger than the queue takes travel as claim checks under ingest's prefix, as ingest sends them.
      const queue = createSqsQueue(stack.sqs, queueUrl, {
        ...(stack.payloadBucketName && {
          claimCheck: createS3ClaimCheckWriter(stack.s3, {
            bucket: stack.payloadBucketName,
            stage: 'ingest',
          }),
        }),
      });
      const sources = options.source ? new Set(options.source) : undefined;
      const result = {
        from: from.toISOString(),
        to: to.toISOString(),
        backfill: options.backfill,
        profiles: Boolean(options.withProfiles),
        dry_run: Boolean(options.dryRun),
        objects: 0,
        matched: 0,
        duplicates: 0,
        replayed: 0,
        failed: 0,
        invalid_lines: 0,
      };
      const seen = new Set<string>();
      const keys = await archiveObjects(location, from, to);
      result.objects = keys.length;
      const progress = startProgress('replaying', keys.length, { json: options.json });
      const started = Date.now();
      try {
        for (const key of keys) {
          const messages = await readArchiveObject(location, key, (k, line, problem) => {
            result.invalid_lines += 1;
            if (!options.json) console.error(`${k}:${line}: ${problem}`);
          });
          const chosen = messages.filter((m) => {
            const at = Date.parse(m.received_at);
            if (at < from.getTime() || at > to.getTime() || (sources && !sources.has(m.source))) return false;
            // The archive may hold a webhook twice (hydrated again after a failed archive write): once is enough.
            if (seen.has(m.correlation_id)) {
              result.duplicates += 1;
              return false;
            }
            seen.add(m.correlation_id);
            return true;
          });
          result.matched += chosen.length;
          if (!options.dryRun && chosen.length > 0) {
            const { failedIds } = await queue.sendBatch(
              chosen.map((m, i) => ({
                id: String(i),
                body: encodeMessageBody(
                  replayCopy(m, { backfill: options.backfill, profiles: Boolean(options.withProfiles) }),
                ),
                correlationId: m.correlation_id,
              })),
            );
            result.failed += failedIds.length;
            result.replayed += chosen.length - failedIds.length;
            const due = started + (result.replayed / rate) * 1000;
            if (due > Date.now()) await sleep(due - Date.now());
          }
          progress.increment();
        }
      } finally {
        progress.stop();
      }
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else
        console.log(
          `${result.dry_run ? 'would replay' : 'replayed'} ${result.dry_run ? result.matched : result.replayed} webhooks received ${result.from} … ${result.to}` +
            ` (${result.objects} archive objects; ${result.duplicates} archived twice, sent once; ${result.failed} could not be sent; backfill ${result.backfill ? 'on' : 'off'}; state writes ${result.profiles ? 'on, newer ones kept' : 'left out'})`,
        );
      if (result.failed > 0 || result.invalid_lines > 0) process.exitCode = 1;
    });
}

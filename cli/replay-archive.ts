// A replay of archived webhooks (`relay replay`, and the console's Replay page): the archive objects of a time
// range read, each webhook of the chosen sources sent once to the hydrate queue as a replay (dedupe bypassed;
// Klaviyo's unique_id keeps an event that already arrived from arriving twice), at a bounded rate; or, as a dry
// run, only counted. Events only unless `profiles` (docs/adr/0026-replay-and-state-writes.md).
import { setTimeout as sleep } from 'node:timers/promises';
import { createS3ClaimCheckWriter } from '../functions/shared/stage/claim-check.ts';
import type { WebhookReceivedV1 } from '../functions/shared/stage/contracts.ts';
import { encodeMessageBody } from '../functions/shared/stage/message-body.ts';
import { createSqsQueue } from '../functions/shared/stage/sqs-queue.ts';
import { archiveObjects, readArchiveObject, type ArchiveLocation } from './archive-reader.ts';
import type { Progress } from './progress.ts';
import { required, type RelayStack } from '../operations/relay-stack.ts';

export interface ReplayRequest {
  /** Only these sources (undefined: every source). */
  sources?: ReadonlySet<string>;
  from: Date;
  to: Date;
  backfill: boolean;
  profiles: boolean;
  /** Webhooks sent a second at most. */
  rate: number;
  dryRun: boolean;
}

export interface ReplayResult {
  from: string;
  to: string;
  backfill: boolean;
  profiles: boolean;
  dry_run: boolean;
  objects: number;
  matched: number;
  duplicates: number;
  replayed: number;
  failed: number;
  invalid_lines: number;
}

export interface ReplayPorts {
  /** Told the number of archive objects once they are listed, then one increment per object read. */
  progress(objects: number): Progress;
  /** An archived line that does not meet the contract (counted in `invalid_lines` too). */
  onInvalid?(key: string, line: number, problem: string): void;
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

export function archiveOf(stack: RelayStack): ArchiveLocation {
  if (stack.archiveDir) return { dir: stack.archiveDir };
  return {
    bucket: required(stack.archiveBucketName, 'the archive', '--stack (with archive.enabled)', stack),
    s3: stack.s3,
  };
}

export async function replayArchive(
  stack: RelayStack,
  request: ReplayRequest,
  ports: ReplayPorts,
): Promise<ReplayResult> {
  const { from, to, sources } = request;
  if (from > to) throw new Error(`--from (${from.toISOString()}) is after --to (${to.toISOString()})`);
  if (!Number.isFinite(request.rate) || request.rate <= 0)
    throw new Error(`--rate must be a positive number, not ${request.rate}`);
  const location = archiveOf(stack);
  const queueUrl = required(stack.queueUrls.hydrate, 'the hydrate queue', '--hydrate-queue-url', stack);
  // Messages larger than the queue takes travel as claim checks under ingest's prefix, as ingest sends them.
  const queue = createSqsQueue(stack.sqs, queueUrl, {
    ...(stack.payloadBucketName && {
      claimCheck: createS3ClaimCheckWriter(stack.s3, { bucket: stack.payloadBucketName, stage: 'ingest' }),
    }),
  });
  const result: ReplayResult = {
    from: from.toISOString(),
    to: to.toISOString(),
    backfill: request.backfill,
    profiles: request.profiles,
    dry_run: request.dryRun,
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
  const progress = ports.progress(keys.length);
  const started = Date.now();
  try {
    for (const key of keys) {
      const messages = await readArchiveObject(location, key, (k, line, problem) => {
        result.invalid_lines += 1;
        ports.onInvalid?.(k, line, problem);
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
      if (!request.dryRun && chosen.length > 0) {
        const { failedIds } = await queue.sendBatch(
          chosen.map((m, i) => ({
            id: String(i),
            body: encodeMessageBody(replayCopy(m, request)),
            correlationId: m.correlation_id,
          })),
        );
        result.failed += failedIds.length;
        result.replayed += chosen.length - failedIds.length;
        const due = started + (result.replayed / request.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      progress.increment();
    }
  } finally {
    progress.stop();
  }
  return result;
}

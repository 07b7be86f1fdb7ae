// A filter that leaves an event out is a decision, not a failure: it is logged with the filter that made it and
// counted (`skipped_by_filter`), and the message is not dead-lettered.
import type { Logger } from '../../shared/logger.ts';
import type { SkippedEvent } from './plan-events.ts';

export const SKIPPED_METRIC = 'skipped_by_filter';

export function reportSkipped(
  skipped: readonly SkippedEvent[],
  ports: { log: Logger; count?: (name: string, value?: number) => void },
): void {
  if (skipped.length === 0) return;
  ports.log.info('events skipped by a filter', {
    outcome: 'skipped',
    reason: 'filter',
    skipped: skipped.slice(0, 20),
    ...(skipped.length > 20 ? { more: skipped.length - 20 } : {}),
  });
  ports.count?.(SKIPPED_METRIC, skipped.length);
}

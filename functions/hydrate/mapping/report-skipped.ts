// A filter that leaves a write out is a decision, not a failure: it is logged with the filter that made it and
// counted (`skipped_by_filter`). A write the mapping could not make (a consent write without an identifier that
// fits its channel, a consented_at in the future) is logged as a warning with its reason and counted
// (`skipped_by_mapping_problem`). Neither is dead-lettered: the webhook's other writes go on.
import type { Logger } from '../../shared/logger.ts';
import type { SkippedEvent } from './plan-events.ts';

export const SKIPPED_METRIC = 'skipped_by_filter';
export const PROBLEM_METRIC = 'skipped_by_mapping_problem';

export function reportSkipped(
  skipped: readonly SkippedEvent[],
  ports: { log: Logger; count?: (name: string, value?: number) => void },
): void {
  const byFilter = skipped.filter((s) => s.reason === undefined);
  const problems = skipped.filter((s) => s.reason !== undefined);
  if (byFilter.length > 0) {
    ports.log.info('events skipped by a filter', {
      outcome: 'skipped',
      reason: 'filter',
      ...listed(byFilter),
    });
    ports.count?.(SKIPPED_METRIC, byFilter.length);
  }
  if (problems.length > 0) {
    ports.log.warn('writes skipped: the mapping gave what Klaviyo cannot take', {
      outcome: 'skipped',
      reason: 'mapping_problem',
      ...listed(problems),
    });
    ports.count?.(PROBLEM_METRIC, problems.length);
  }
}

const listed = (skipped: readonly SkippedEvent[]) => ({
  skipped: skipped.slice(0, 20),
  ...(skipped.length > 20 ? { more: skipped.length - 20 } : {}),
});

// One rate pacer per Klaviyo endpoint (rate-pacer.ts), sized from the relay's settings and the limits Klaviyo
// publishes for the endpoint.
import { RatePacer } from './rate-pacer.ts';

/** Published limits (requests per 1 s burst window, per 60 s steady window), from the OpenAPI files. */
export const PUBLISHED_LIMITS: Record<string, { burst: number; steady: number }> = {
  '/api/events': { burst: 350, steady: 3_500 },
  '/api/event-bulk-create-jobs': { burst: 10, steady: 150 },
  '/api/profile-import': { burst: 75, steady: 750 },
  '/api/profile-subscription-bulk-create-jobs': { burst: 75, steady: 750 },
  '/api/profile-subscription-bulk-delete-jobs': { burst: 75, steady: 750 },
  // Bulk Import Profiles and its read-back: three endpoints, a budget each (keyed by path template).
  '/api/profile-bulk-import-jobs': { burst: 10, steady: 150 },
  '/api/profile-bulk-import-jobs/{job_id}': { burst: 10, steady: 150 },
  '/api/profile-bulk-import-jobs/{id}/import-errors': { burst: 10, steady: 150 },
  // Bulk catalog jobs (75/s, 750/m each) and their reads, keyed by path template: each read has its own limit.
  '/api/catalog-item-bulk-create-jobs': { burst: 75, steady: 750 },
  '/api/catalog-item-bulk-update-jobs': { burst: 75, steady: 750 },
  '/api/catalog-item-bulk-delete-jobs': { burst: 75, steady: 750 },
  '/api/catalog-variant-bulk-create-jobs': { burst: 75, steady: 750 },
  '/api/catalog-variant-bulk-update-jobs': { burst: 75, steady: 750 },
  '/api/catalog-variant-bulk-delete-jobs': { burst: 75, steady: 750 },
  '/api/catalog-category-bulk-create-jobs': { burst: 75, steady: 750 },
  '/api/catalog-category-bulk-update-jobs': { burst: 75, steady: 750 },
  '/api/catalog-category-bulk-delete-jobs': { burst: 75, steady: 750 },
  '/api/catalog-item-bulk-create-jobs/{job_id}': { burst: 75, steady: 750 },
  '/api/catalog-item-bulk-update-jobs/{job_id}': { burst: 75, steady: 750 },
  '/api/catalog-item-bulk-delete-jobs/{job_id}': { burst: 350, steady: 3_500 },
  '/api/catalog-variant-bulk-create-jobs/{job_id}': { burst: 75, steady: 750 },
  '/api/catalog-variant-bulk-update-jobs/{job_id}': { burst: 75, steady: 750 },
  '/api/catalog-variant-bulk-delete-jobs/{job_id}': { burst: 350, steady: 3_500 },
  '/api/catalog-category-bulk-create-jobs/{job_id}': { burst: 350, steady: 3_500 },
  '/api/catalog-category-bulk-update-jobs/{job_id}': { burst: 350, steady: 3_500 },
  '/api/catalog-category-bulk-delete-jobs/{job_id}': { burst: 350, steady: 3_500 },
  // Custom-object records: the bulk job's budget is the tightest the relay has (ADR 0034).
  '/api/data-source-record-bulk-create-jobs': { burst: 3, steady: 15 },
  '/api/data-source-record-create-jobs': { burst: 75, steady: 750 },
  '/api/back-in-stock-subscriptions': { burst: 350, steady: 3_500 },
};

/** One pacer per endpoint, sized from the settings and the published limits. */
export function createPacers(settings: {
  rate_budget_share: number;
  max_concurrency: number;
  max_pacing_wait_ms: number;
  now?: () => number;
}): (path: string) => RatePacer {
  const pacers = new Map<string, RatePacer>();
  return (path) => {
    let pacer = pacers.get(path);
    if (!pacer) {
      const limits = PUBLISHED_LIMITS[path] ?? { burst: 10, steady: 150 };
      pacer = new RatePacer({
        ...limits,
        share: settings.rate_budget_share,
        instances: settings.max_concurrency,
        maxWaitMs: settings.max_pacing_wait_ms,
        ...(settings.now ? { now: settings.now } : {}),
      });
      pacers.set(path, pacer);
    }
    return pacer;
  };
}

// Request bodies for Klaviyo's API, in the JSON:API shape its OpenAPI documents define
// (../shared/klaviyo-openapi/create_event.json for Create Event).
import type { KlaviyoEventV1 } from '../shared/contracts.ts';

export function createEventBody(event: KlaviyoEventV1) {
  return {
    data: {
      type: 'event',
      attributes: {
        properties: event.properties,
        time: event.time,
        ...(event.value === undefined ? {} : { value: event.value }),
        unique_id: event.unique_id,
        ...(event.backfill ? { backfill: true } : {}),
        metric: { data: { type: 'metric', attributes: { name: event.metric } } },
        profile: { data: { type: 'profile', attributes: { ...event.profile } } },
      },
    },
  };
}

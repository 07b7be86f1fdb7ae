// Two of the checks Klaviyo makes on every API request before it reads the body: the `revision` header is a
// real date (with an optional suffix), and the Content-Type is JSON:API or JSON.
import { badRevision, unsupportedMediaType } from './errors.ts';

const ACCEPTED_MEDIA_TYPES = new Set(['application/vnd.api+json', 'application/json']);
const REVISION = /^(\d{4})-(\d{2})-(\d{2})(?:\.[A-Za-z0-9_-]+)?$/;

export function checkRevision(value: string | undefined): void {
  if (value === undefined || value.trim() === '')
    throw badRevision(
      'Missing `revision` header. Send the API revision as a date, e.g. `revision: 2026-07-15`.',
    );
  const match = REVISION.exec(value.trim());
  const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    !match ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    throw badRevision(`Invalid revision '${value}': expected a date, YYYY-MM-DD[.suffix], e.g. 2026-07-15.`);
}

export function checkContentType(value: string | undefined): void {
  const media = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED_MEDIA_TYPES.has(media)) throw unsupportedMediaType(value ?? '');
}

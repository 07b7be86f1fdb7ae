// Fills `{dot.path}` placeholders in a path or base URL from a step's scope (the context, plus `params` and a
// for_each element). Each value is URL-encoded: a placeholder fills one piece of the URL and cannot add others.
import { PermanentError } from '../../shared/stage/errors.ts';
import { getPath } from '../../shared/json/path.ts';

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** Replaces each placeholder with `encode(value, path)`; a missing or non-scalar value is permanent. */
export function renderPlaceholders(
  template: string,
  scope: unknown,
  encode: (value: string, path: string) => string,
): string {
  return template.replace(PLACEHOLDER, (_, raw: string) => {
    const path = raw.trim();
    const value = getPath(scope, path);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new PermanentError(
        `hydration needs ${path}, which the event does not have`,
        'hydration_input_missing',
      );
    }
    return encode(String(value), path);
  });
}

/**
 * Fills a path's placeholders, each value URL-encoded (UTF-8). An empty value, `.` or `..` is refused
 * (permanent): it would change which resource the path names. A value holding a lone surrogate (valid JSON,
 * `"\ud800"`) has no UTF-8 form, so no URL can name it: that fails the same way on every retry, and is a
 * permanent failure with its reason.
 */
export function renderPath(template: string, scope: unknown): string {
  return renderPlaceholders(template, scope, encodePathValue);
}

function encodePathValue(value: string, path: string): string {
  // `.` and `..` are dot segments, which URL parsing resolves: `/customers/{event.id}/orders` with id `..`
  // would fetch `/orders`, outside what the step names; an empty value drops a segment the same way.
  if (value === '') {
    throw new PermanentError(`hydration needs ${path}, which is empty`, 'hydration_input_missing', { path });
  }
  if (value === '.' || value === '..') {
    throw new PermanentError(
      `hydration cannot put ${path} in a URL: "${value}" would leave the path the step names`,
      'hydration_input_unsafe',
      { path, value },
    );
  }
  try {
    return encodeURIComponent(value);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    throw new PermanentError(
      `hydration cannot put ${path} in a URL: it holds a lone surrogate, which has no UTF-8 form`,
      'hydration_input_malformed',
      { path, value: JSON.stringify(value.slice(0, 200)) },
      { cause: error },
    );
  }
}

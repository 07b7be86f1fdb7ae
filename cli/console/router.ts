// Matches a request to a console route: the same method and the same segments, `:name` segments taking any one
// decoded segment. A path another method would match is told so (405) rather than not found.
import type { ConsoleRoute } from './route.ts';

export type RouteMatch =
  { route: ConsoleRoute; params: Record<string, string> } | { route: undefined; status: 404 | 405 };

function segments(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** The pattern's parameters for `path`, or undefined when it does not match (or a segment is not decodable). */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = segments(pattern);
  const have = segments(path);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) return undefined;
  }
  return params;
}

export function matchRoute(routes: readonly ConsoleRoute[], method: string, path: string): RouteMatch {
  let otherMethod = false;
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params === undefined) continue;
    if (route.method === method) return { route, params };
    otherMethod = true;
  }
  return { route: undefined, status: otherMethod ? 405 : 404 };
}

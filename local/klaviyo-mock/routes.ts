// Finds the operation a request path belongs to: each operation's contract path is a template whose `{name}`
// segments match one path segment each (e.g. `/api/profile-bulk-import-jobs/{job_id}`).
import type { OperationContract } from './contract.ts';

export interface Route {
  operation: OperationContract;
  /** The contract's path template, e.g. `/api/profile-bulk-import-jobs/{job_id}`. */
  template: string;
  params: Record<string, string>;
}

export const normalizePath = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

export class Router {
  private readonly templates: { operation: OperationContract; template: string; segments: string[] }[];

  constructor(operations: Iterable<OperationContract>) {
    this.templates = [...operations].map((operation) => {
      const template = normalizePath(operation.path);
      return { operation, template, segments: template.split('/') };
    });
  }

  /** The route of a normalized path, or undefined when no operation has that path. */
  match(path: string): Route | undefined {
    const segments = path.split('/');
    for (const { operation, template, segments: expected } of this.templates) {
      if (expected.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const matches = expected.every((part, i) => {
        const actual = segments[i] ?? '';
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (name === undefined) return part === actual;
        if (actual === '') return false;
        params[name] = decodeURIComponent(actual);
        return true;
      });
      if (matches) return { operation, template, params };
    }
    return undefined;
  }
}

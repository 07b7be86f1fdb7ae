// Differences between two JSON values, by JSON path: what `config diff` prints.
import { isPlainObject } from '../functions/shared/json/is-plain-object.ts';

export interface JsonChange {
  kind: 'added' | 'removed' | 'changed';
  path: string;
  before?: unknown;
  after?: unknown;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$-]*$/.test(key)
    ? path
      ? `${path}.${key}`
      : key
    : `${path}[${JSON.stringify(key)}]`;
}

export function jsonDiff(before: unknown, after: unknown, path = ''): JsonChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const inBefore = Object.hasOwn(before, key);
      const inAfter = Object.hasOwn(after, key);
      if (!inBefore) return [{ kind: 'added' as const, path: join(path, key), after: after[key] }];
      if (!inAfter) return [{ kind: 'removed' as const, path: join(path, key), before: before[key] }];
      return jsonDiff(before[key], after[key], join(path, key));
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: JsonChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) changes.push({ kind: 'added', path: join(path, i), after: after[i] });
      else if (i >= after.length) changes.push({ kind: 'removed', path: join(path, i), before: before[i] });
      else changes.push(...jsonDiff(before[i], after[i], join(path, i)));
    }
    return changes;
  }
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ kind: 'changed', path: path || '(root)', before, after }];
}

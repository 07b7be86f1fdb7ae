// Dot paths (`customer.address.city`, `products.0.sku`) into parsed JSON, used by configuration.

export function getPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The first path that holds a non-empty scalar, as a string. */
export function firstScalar(root: unknown, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value = getPath(root, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

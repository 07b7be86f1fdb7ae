// Nesting depth of parsed JSON, measured without recursion so hostile input cannot exhaust the stack.
export function jsonDepth(root: unknown, stopAt = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(value as Record<string, unknown>)) stack.push([child, level]);
  }
  return deepest;
}

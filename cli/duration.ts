// Durations on the command line: `90s`, `15m`, `2h`, `3d` (a bare number is seconds).
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use e.g. 90s, 15m, 2h or 3d`);
  return Number(match[1]) * (UNIT_MS[match[2] || 's'] ?? 1_000);
}

// The Overview's memory: snapshots the console took while it runs, kept for the last hour, so each number has a
// small chart beside it. Held in the console process only; a restart starts an empty hour.
export const WINDOW_MS = 3_600_000;

export interface Sample {
  at: number;
  /** Series name → value (a queue's depth, a counter's total). */
  values: Record<string, number>;
}

export class Samples {
  private readonly kept: Sample[] = [];

  add(sample: Sample): void {
    this.kept.push(sample);
    while (this.kept.length > 0 && (this.kept[0]?.at ?? 0) < sample.at - WINDOW_MS) this.kept.shift();
  }

  latest(): Sample | undefined {
    return this.kept.at(-1);
  }

  /** One series' [time, value] points over the window, oldest first (absent where a sample lacks it). */
  series(name: string): [number, number][] {
    return this.kept.flatMap((sample) => {
      const value = sample.values[name];
      return value === undefined ? [] : [[sample.at, value] as [number, number]];
    });
  }
}

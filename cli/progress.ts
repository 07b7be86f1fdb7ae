// A progress bar (count, rate, ETA) on stderr for commands that can run long; nothing when stderr is not a
// terminal or the output is JSON, so pipes and logs get only the result.
import { SingleBar } from 'cli-progress';

export interface Progress {
  increment(by?: number): void;
  setTotal(total: number): void;
  stop(): void;
}

const silent: Progress = { increment: () => undefined, setTotal: () => undefined, stop: () => undefined };

export function startProgress(
  label: string,
  total: number,
  options: { json?: boolean | undefined } = {},
): Progress {
  if (options.json || !process.stderr.isTTY) return silent;
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} · {rate}/s · ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
  });
  const started = Date.now();
  let done = 0;
  bar.start(total, 0, { rate: '0.0' });
  return {
    increment(by = 1) {
      done += by;
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.increment(by, { rate: (done / seconds).toFixed(1) });
    },
    setTotal: (value) => bar.setTotal(value),
    stop: () => bar.stop(),
  };
}

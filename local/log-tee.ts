// Local mode's stand-in for CloudWatch Logs: every JSON log line the handlers print is also appended to a file,
// which `relay trace` reads as it would query the functions' log groups. Powertools Logger writes through a
// Console bound to process.stdout/stderr (warnings and errors), so both streams are tapped here — the functions
// stay unaware of it. Only lines that are JSON objects with a `function` key (the relay's loggers) are kept.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface LogTeeOptions {
  /** Still print the lines to the terminal (default); tests turn it off to keep their output clean. */
  echo?: boolean;
}

function isRelayLogLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && 'function' in value;
  } catch {
    return false;
  }
}

/** Starts copying log lines into `file` (truncated first); the returned function stops and flushes. */
export async function teeLogLines(file: string, options: LogTeeOptions = {}): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file, { flags: 'w' });
  await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  const echo = options.echo ?? true;
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    // Restored as it was: usually the prototype's method (no own property), unless someone tapped it before.
    const ownWrite = Object.getOwnPropertyDescriptor(stream, 'write');
    const write = stream.write.bind(stream);
    const tapped = (chunk: unknown, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      const kept = text
        .split('\n')
        .map((line) => line.trim())
        .filter(isRelayLogLine);
      if (kept.length > 0) out.write(`${kept.join('\n')}\n`);
      if (echo || kept.length === 0) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      // Not echoed: still honour a write callback, as the stream would.
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return true;
    };
    stream.write = tapped;
    restore.push(() => {
      if (ownWrite) Object.defineProperty(stream, 'write', ownWrite);
      else Reflect.deleteProperty(stream, 'write');
    });
  }
  return async () => {
    for (const undo of restore) undo();
    await new Promise<void>((resolve) => out.end(resolve));
  };
}

// The instance's cache of source API answers, and the coalescing of identical calls in flight.
// - An answer is kept only when its step asks (`cache_ttl_seconds` > 0), only when it succeeded, and for that
//   long; the cache holds at most `maxEntries` answers and `maxBytes` of them, dropping the least recently used.
// - Identical calls (same source, connection, method, URL and body) running at once share one request: the
//   batch's ten orders naming one customer cost one call. A POST is coalesced only when its step is cached,
//   since a POST may change something and the step then said it is a read.
// A hit returns a copy, so a record that changes what it got cannot change what the next one gets.

export interface ResponseCacheOptions {
  maxEntries?: number;
  maxBytes?: number;
  now?: () => number;
}

interface Entry {
  value: unknown;
  bytes: number;
  expiresAt: number;
}

export const DEFAULT_CACHE_ENTRIES = 1_000;
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: ResponseCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The answer for `key`: from the cache while fresh, else from the call already in flight for it (when
   * `coalesce`), else from `load`, kept for `ttlMs` when that is above 0 and the load succeeded.
   */
  async load(
    key: string,
    options: { ttlMs: number; coalesce: boolean },
    load: () => Promise<{ value: unknown; bytes: number }>,
  ): Promise<unknown> {
    const hit = this.fresh(key);
    if (hit) return structuredClone(hit.value);
    if (!options.coalesce) {
      const { value, bytes } = await load();
      if (options.ttlMs <= 0) return value;
      this.keep(key, value, bytes, options.ttlMs);
      return structuredClone(value);
    }
    const running = this.inFlight.get(key);
    if (running) return structuredClone(await running);
    const call = load().then(({ value, bytes }) => {
      if (options.ttlMs > 0) this.keep(key, value, bytes, options.ttlMs);
      return value;
    });
    this.inFlight.set(key, call);
    try {
      return structuredClone(await call);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private fresh(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    // Re-inserted: a Map iterates in insertion order, so the first entry is the least recently used.
    this.entries.set(key, entry);
    return entry;
  }

  private keep(key: string, value: unknown, bytes: number, ttlMs: number): void {
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { value, bytes, expiresAt: this.now() + ttlMs });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }
}

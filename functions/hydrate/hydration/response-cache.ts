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

/** A source API's answer and the bytes of its body (what the cache and a webhook's budget count). */
export interface Answer {
  value: unknown;
  bytes: number;
}

const copyOf = (answer: Answer): Answer => ({ value: structuredClone(answer.value), bytes: answer.bytes });

export const DEFAULT_CACHE_ENTRIES = 1_000;
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Answer>>();
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
   * The answer for `key` and its size in bytes: from the cache while fresh, else from the call already in flight
   * for it (when `coalesce`), else from `load`, kept for `ttlMs` when that is above 0 and the load succeeded.
   */
  async load(
    key: string,
    options: { ttlMs: number; coalesce: boolean },
    load: () => Promise<Answer>,
  ): Promise<Answer> {
    const hit = this.fresh(key);
    if (hit) return { value: structuredClone(hit.value), bytes: hit.bytes };
    if (!options.coalesce) {
      const answer = await load();
      if (options.ttlMs <= 0) return answer;
      this.keep(key, answer.value, answer.bytes, options.ttlMs);
      return { value: structuredClone(answer.value), bytes: answer.bytes };
    }
    const running = this.inFlight.get(key);
    if (running) return copyOf(await running);
    const call = load().then((answer) => {
      if (options.ttlMs > 0) this.keep(key, answer.value, answer.bytes, options.ttlMs);
      return answer;
    });
    this.inFlight.set(key, call);
    try {
      return copyOf(await call);
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

// The zod every Lambda bundle uses: zod/mini, the same validator as classic zod (same package, same core)
// without classic's chainable API, whose import (and the ~50 message locales it brings) costs ~20 ms of every
// cold start. zod/mini sets no locale, so English is set here, once: ConfigError and the DLQ letters' details
// keep saying "Too small: expected string to have >=1 characters", not "Invalid input". Schema modules
// `import * as z` from here, never from 'zod', so the locale cannot be left out; a namespace import (rather
// than zod's own `z` object) lets the bundler keep only the parts of zod the schemas use.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

/**
 * Builds a schema on its first use and keeps it. Cold start: building every schema at import cost more than
 * importing zod, so each function builds only those it uses, when it first uses them (as the handlers
 * themselves are built on first invocation).
 */
export function memo<T extends object>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

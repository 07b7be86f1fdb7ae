// The regular expressions of JSONata expressions (`$contains(v, /^(\w+\s?)*$/)`, `$match`, `$replace`, `$split`)
// run on RE2JS, a pure-JS port of RE2: matching takes time linear in the input, whatever the pattern, so a
// webhook's text can never make a pattern backtrack for seconds as JavaScript's own engine does (issue 18). What
// RE2 cannot do in linear time (backreferences, lookahead) it refuses: such a pattern is a configuration error at
// load (checkLinearRegex), never a failure at the first event (docs/adr/0022-expression-limits-regex-and-mapping-edges.md).
import { createRequire } from 'node:module';
import type * as Re2jsModule from 're2js';
import type { RE2JS } from 're2js';

type Re2js = typeof Re2jsModule;
let re2js: Re2js | undefined;

/**
 * RE2JS, loaded by the first pattern rather than at import (as JSONata is in ./expression.ts): parsing it costs
 * tens of ms of a cold start, and most configurations hold no regular expression.
 */
function engine(): Re2js['RE2JS'] {
  return (re2js ??=
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundler's lazy load (see above)
        (require('re2js') as Re2js)
      : (createRequire(import.meta.url)('re2js') as Re2js)).RE2JS;
}

/** Compiled patterns by their JavaScript source and flags: JSONata builds its engine each time a regex is used. */
const compiled = new Map<string, RE2JS>();
const MAX_KEPT_PATTERNS = 1_000;

/** A JSONata regex literal (a RegExp, flags `i`, `m` and JSONata's `g`) compiled for RE2; throws when RE2 cannot. */
function compileLinear(pattern: RegExp): RE2JS {
  const key = `${pattern.flags}/${pattern.source}`;
  const kept = compiled.get(key);
  if (kept) return kept;
  // translateRegExp reads the RegExp's i/m/s flags into RE2's inline flags and rewrites JS-only escapes.
  const RE2 = engine();
  const linear = RE2.compile(RE2.translateRegExp(pattern));
  if (compiled.size >= MAX_KEPT_PATTERNS) compiled.clear();
  compiled.set(key, linear);
  return linear;
}

/** Why RE2 refuses `pattern` (e.g. a backreference or a lookahead), or undefined when it takes it. */
export function checkLinearRegex(pattern: RegExp): string | undefined {
  try {
    compileLinear(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A match in the shape JSONata reads from RegExp.exec: the groups by position, `index` where it starts. */
type LinearMatch = (string | undefined)[] & { index: number };

/**
 * JSONata's `RegexEngine`: constructed with the literal's RegExp, then used as JSONata uses a global RegExp — it
 * sets `lastIndex`, calls `exec`, and reads `lastIndex` again for the next match. Offsets are UTF-16 units, as
 * in JavaScript strings.
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(pattern: RegExp) {
    this.pattern = compileLinear(pattern);
  }

  exec(text: string): LinearMatch | null {
    const matcher = this.pattern.matcher(text);
    if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group++)
      groups.push(matcher.group(group) ?? undefined);
    this.lastIndex = matcher.end();
    return Object.assign(groups, { index: matcher.start() });
  }
}

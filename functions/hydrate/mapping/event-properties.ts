// An event's properties: the included context roots flattened (segmentable), computed properties (flattened
// under their name), kept values (as they are, for templates: `Items`), `$extra`, and the relay's own marker.
// Klaviyo's limits hold: at most 400 properties (computed ones win over flattened ones; what does not fit is
// dropped and reported), strings of at most 100 KB (longer ones are cut), and a body Klaviyo accepts.
import { RELAY_SOURCE_PROPERTY } from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue, type ValueSpec } from '../../shared/config/expression.ts';
import { getPath } from '../../shared/json/path.ts';
import { clip, flattenProperties, MAX_PROPERTIES, prune } from '../flatten.ts';
import { isPlainObject } from '../../shared/json/is-plain-object.ts';

/** Klaviyo takes 5 MB a Create Event request; the profile, metric and envelope need the rest. */
export const MAX_PROPERTIES_BYTES = 4_500_000;
/** Below this depth a kept value is cut off (`…`): templates do not loop that deep, hostile data might. */
export const MAX_KEPT_DEPTH = 16;
/** Klaviyo's property for values that templates can use and segments cannot. */
export const EXTRA_PROPERTY = '$extra';

export interface PropertySpecs {
  include?: string[] | undefined;
  properties?: Record<string, ValueSpec> | undefined;
  keep?: Record<string, ValueSpec> | undefined;
  extra?: Record<string, ValueSpec> | undefined;
}

export interface BuiltProperties {
  properties: Record<string, unknown>;
  /** Names left out because the event would exceed Klaviyo's 400 properties. */
  dropped: string[];
  /** True when a value is not a top-level scalar or list of scalars (kept values, `$extra`). */
  nested: boolean;
}

export interface PropertyScope {
  /** Roots flattened when `include` is not set. */
  defaultRoots: readonly string[];
  /** The root whose fields become top-level names without a prefix (`event`, or `item` in a for_each event). */
  unprefixedRoot: string;
  relaySource: string;
  /** The configuration field, for messages: `sources.shop.mapping.events[1]`. */
  where: string;
}

export async function buildEventProperties(
  specs: PropertySpecs,
  context: unknown,
  scope: PropertyScope,
): Promise<BuiltProperties> {
  const kept = await readNamed(specs.keep, context, `${scope.where}.keep`);
  const extra = await readNamed(specs.extra, context, `${scope.where}.extra`);
  const computed = await readNamed(specs.properties, context, `${scope.where}.properties`);

  const keptPaths = Object.values(specs.keep ?? {}).filter((spec) => typeof spec === 'string');
  const roots = (specs.include ?? scope.defaultRoots).map((root) => ({
    prefix: root === scope.unprefixedRoot ? '' : root,
    value: withoutPaths(getPath(context, root), root, keptPaths),
  }));
  const { properties, dropped } =
    computed.size + kept.size + extra.size === 0
      ? flattenedOnly(roots, scope.relaySource)
      : combined(roots, computed, kept, extra, scope.relaySource);
  const bytes = Buffer.byteLength(JSON.stringify(properties));
  if (bytes > MAX_PROPERTIES_BYTES) {
    throw new PermanentError(
      `${scope.where}: the event's properties take ${bytes} bytes, more than Klaviyo accepts in one event (${MAX_PROPERTIES_BYTES})`,
      'event_too_large',
      { where: scope.where, bytes },
    );
  }
  return { properties, dropped, nested: kept.size > 0 || extra.size > 0 };
}

type Roots = Parameters<typeof flattenProperties>[0];

/** The common case, and every mapping written before computed properties: the roots flattened, and the marker. */
function flattenedOnly(roots: Roots, relaySource: string) {
  const flat = flattenProperties(roots, MAX_PROPERTIES - 1);
  return { properties: { ...flat.properties, [RELAY_SOURCE_PROPERTY]: relaySource }, dropped: flat.dropped };
}

function combined(
  roots: Roots,
  computed: ReadonlyMap<string, unknown>,
  kept: ReadonlyMap<string, unknown>,
  extra: ReadonlyMap<string, unknown>,
  relaySource: string,
) {
  const flattened = Object.entries(flattenProperties(roots, Number.POSITIVE_INFINITY).properties);
  // A computed scalar or list of scalars is sent under its own name as it is; anything else is flattened under it.
  const computedFlat = [...computed].flatMap(([name, value]) =>
    isSegmentable(value)
      ? [[name, value] as const]
      : Object.entries(flattenProperties([{ prefix: name, value }], Number.POSITIVE_INFINITY).properties),
  );

  // Kept names, `$extra` and the relay's marker always fit (keep ≤ 100 names); computed names come next.
  const taken = new Set([...kept.keys(), RELAY_SOURCE_PROPERTY]);
  const room = MAX_PROPERTIES - taken.size - (extra.size > 0 ? 1 : 0);
  const computedFit = computedFlat.filter(([name]) => !taken.has(name));
  for (const [name] of computedFit) taken.add(name);
  const flatFit = flattened.filter(([name]) => !taken.has(name));
  const computedRoom = Math.min(room, computedFit.length);
  const flatRoom = room - computedRoom;

  const properties: Record<string, unknown> = {
    ...Object.fromEntries(flatFit.slice(0, flatRoom)),
    ...Object.fromEntries(computedFit.slice(0, computedRoom)),
    ...Object.fromEntries(kept),
    ...(extra.size > 0 ? { [EXTRA_PROPERTY]: Object.fromEntries(extra) } : {}),
    [RELAY_SOURCE_PROPERTY]: relaySource,
  };
  const dropped = [...flatFit.slice(flatRoom), ...computedFit.slice(computedRoom)].map(([name]) => name);
  return { properties, dropped };
}

const isScalar = (value: unknown) =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/** What Klaviyo can segment on as it is: a scalar, or a list of scalars. */
function isSegmentable(value: unknown): boolean {
  return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
}

/** Each named value read from the context; missing (undefined) ones are left out. */
async function readNamed(
  specs: Record<string, ValueSpec> | undefined,
  context: unknown,
  where: string,
): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const value = await readValue(spec, context, `${where}.${name}`);
    if (value !== undefined) out.set(name, bounded(value, MAX_KEPT_DEPTH));
  }
  return out;
}

/** A copy with strings cut to Klaviyo's 100 KB, non-finite numbers as null, and nesting cut off below `levels`. */
function bounded(value: unknown, levels: number): unknown {
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  if (levels === 0) return clip(JSON.stringify(prune(value, 2)));
  if (Array.isArray(value)) return value.map((item) => bounded(item, levels - 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bounded(item, levels - 1)]));
}

/**
 * The root's value without the kept paths under it (`event.line_items` kept as `Items` is not also flattened
 * into `line_items_*`). Objects along a path are copied, never changed: the context is shared by every event.
 */
function withoutPaths(value: unknown, root: string, paths: readonly string[]): unknown {
  let out = value;
  for (const path of paths) {
    if (path === root) return undefined;
    if (path.startsWith(`${root}.`)) out = withoutPath(out, path.slice(root.length + 1).split('.'));
  }
  return out;
}

function withoutPath(value: unknown, keys: readonly string[]): unknown {
  const [key, ...rest] = keys;
  // Only objects are copied along the path; a path through a list keeps the list whole.
  if (key === undefined || !isPlainObject(value)) return value;
  if (!Object.hasOwn(value, key)) return value;
  const copy: Record<string, unknown> = { ...value };
  if (rest.length === 0) delete copy[key];
  else copy[key] = withoutPath(copy[key], rest);
  return copy;
}

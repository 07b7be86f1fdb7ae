// Klaviyo's published OpenAPI files, used only as an extra conformance check of the project's own contract
// (local/klaviyo-mock/contract/): validators for request bodies and response components, and the drift check
// between each operation file and Klaviyo's document. Nothing outside the tests reads these files.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  OPERATION_IDS,
  describeErrors,
  type OperationFile,
  type ValidationIssue,
} from '../../local/klaviyo-mock/contract.ts';
import type { KlaviyoOperationId } from '../../local/klaviyo-mock/types.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const OPENAPI_FILES = OPERATION_IDS.map((id) => `${id}.json`);

export interface OpenApiSource {
  dir: string;
  /** Named by KLAVIYO_OPENAPI_DIR (so its absence is a mistake), rather than the default beside the repo. */
  explicit: boolean;
  present: boolean;
}

/** `$KLAVIYO_OPENAPI_DIR`, else `../shared/klaviyo-openapi` beside the repository. */
export function openApiSource(env: NodeJS.ProcessEnv = process.env): OpenApiSource {
  const fromEnv = env.KLAVIYO_OPENAPI_DIR;
  const explicit = fromEnv !== undefined && fromEnv !== '';
  const dir = explicit ? path.resolve(fromEnv) : path.resolve(repoRoot, '../shared/klaviyo-openapi');
  return { dir, explicit, present: OPENAPI_FILES.every((f) => existsSync(path.join(dir, f))) };
}

type JsonObject = Record<string, unknown>;

function child(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isPlainObject(current) ? current[key] : undefined;
  return current;
}

const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'additionalItems', 'propertyNames']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const DROPPED_KEYWORDS = new Set([
  'nullable',
  'example',
  'discriminator',
  'xml',
  'externalDocs',
  'deprecated',
]);

/**
 * Converts one OpenAPI 3.0 schema object to draft-07 JSON Schema. Walks only schema positions, so a property
 * that happens to be named `nullable` or `example` is left alone. Descriptions are kept: the drift check reads
 * the limits Klaviyo states in them.
 */
export function openApiSchemaToJsonSchema(schema: unknown): unknown {
  if (!isPlainObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isPlainObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openApiSchemaToJsonSchema(v)]));
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map(openApiSchemaToJsonSchema)
        : openApiSchemaToJsonSchema(value);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map(openApiSchemaToJsonSchema);
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace(/^#\/components\/schemas\//, '#/definitions/');
    } else {
      out[key] = value;
    }
  }
  // 3.0: `exclusiveMinimum: true` qualifies `minimum`; draft-07: `exclusiveMinimum` is the bound itself.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  return schema.nullable === true ? allowNull(out) : out;
}

function allowNull(schema: JsonObject): JsonObject {
  const composed = ['$ref', 'oneOf', 'anyOf', 'allOf', 'not'].filter((k) => k in schema);
  if (composed.length === 0) {
    const out = { ...schema };
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null'))
      out.type = [...(out.type as unknown[]), 'null'];
    return out;
  }
  // Null, or whatever the composed schema allows. In 3.0 a `$ref`'s siblings are ignored, but Klaviyo's
  // documents mean `nullable` next to a `$ref` literally.
  if (
    composed.length === 1 &&
    composed[0] === 'oneOf' &&
    schema.type === undefined &&
    Array.isArray(schema.oneOf)
  )
    return { ...schema, oneOf: [...(schema.oneOf as unknown[]), { type: 'null' }] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** One operation of one OpenAPI document. */
export interface OpenApiOperation {
  operationId: KlaviyoOperationId;
  document: JsonObject;
  validateBody(body: unknown): ValidationIssue | null;
  /** Validates against any schema in the document's `components.schemas` (e.g. a response). */
  validateComponent(schemaName: string, value: unknown): ValidationIssue | null;
}

/** Reads the operation documents and compiles validators from them. */
export function loadOpenApiOperations(dir: string): Record<KlaviyoOperationId, OpenApiOperation> {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormatsModule.default(ajv);
  const check = (validate: ValidateFunction, value: unknown): ValidationIssue | null =>
    validate(value) ? null : describeErrors(validate.errors ?? [], value);

  const operations = {} as Record<KlaviyoOperationId, OpenApiOperation>;
  for (const operationId of OPERATION_IDS) {
    const file = path.join(dir, `${operationId}.json`);
    const document = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!isPlainObject(document) || !isPlainObject(document.paths))
      throw new Error(`${file}: not an OpenAPI document`);
    const found = findOperation(document, operationId);
    const bodyName = schemaName(child(found?.operation, 'requestBody', 'content'));
    if (!found) throw new Error(`${file}: no ${operationId}`);
    if (bodyName === undefined && found.method !== 'GET')
      throw new Error(`${file}: ${operationId} has no request body`);

    const schemaId = `https://klaviyo-openapi.local/${operationId}.json`;
    ajv.addSchema({ $id: schemaId, ...convertedComponents(document) });
    const validators = new Map<string, ValidateFunction>();
    const validatorFor = (name: string): ValidateFunction => {
      if (!isPlainObject(child(document, 'components', 'schemas', name)))
        throw new Error(`${operationId}: no schema ${name}`);
      let validate = validators.get(name);
      if (!validate) {
        validate = ajv.compile({ $ref: `${schemaId}#/definitions/${name}` });
        validators.set(name, validate);
      }
      return validate;
    };
    operations[operationId] = {
      operationId,
      document,
      validateBody: (body) =>
        bodyName !== undefined
          ? check(validatorFor(bodyName), body)
          : body === undefined
            ? null
            : { pointer: '', detail: `${operationId} takes no body.` },
      validateComponent: (name, value) => check(validatorFor(name), value),
    };
  }
  return operations;
}

function convertedComponents(document: unknown): { definitions: JsonObject } {
  const schemas = child(document, 'components', 'schemas');
  return {
    definitions: Object.fromEntries(
      Object.entries(isPlainObject(schemas) ? schemas : {}).map(([name, s]) => [
        name,
        openApiSchemaToJsonSchema(s),
      ]),
    ),
  };
}

function findOperation(
  document: JsonObject,
  operationId: string,
): { path: string; method: string; operation: JsonObject } | undefined {
  for (const [opPath, item] of Object.entries(isPlainObject(document.paths) ? document.paths : {}))
    for (const [method, operation] of Object.entries(isPlainObject(item) ? item : {}))
      if (isPlainObject(operation) && operation.operationId === operationId)
        return { path: opPath, method: method.toUpperCase(), operation };
  return undefined;
}

/** The component name of the first media type's schema `$ref` in a `content` object. */
function schemaName(content: unknown): string | undefined {
  const media = isPlainObject(content) ? Object.values(content)[0] : undefined;
  const ref = child(media, 'schema', '$ref');
  return typeof ref === 'string' ? ref.replace(/^#\/components\/schemas\//, '') : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Drift: what our operation file says against what Klaviyo's document says.

const LIMIT_KEYWORDS = [
  'maxItems',
  'minItems',
  'maxLength',
  'minLength',
  'maxProperties',
  'minProperties',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'pattern',
  'uniqueItems',
] as const;

/** A schema node, with `$ref`s and `anyOf`/`oneOf`/`allOf` branches folded in. */
interface Shape {
  types: Set<string>;
  formats: Set<string>;
  enumValues: Set<string> | undefined;
  required: Set<string>;
  properties: Map<string, unknown>;
  items: unknown[];
  limits: Map<string, unknown>;
  descriptions: string[];
}

const jsonType = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? 'number'
        : typeof value;

function deref(schema: unknown, root: unknown): unknown {
  let current = schema;
  for (let hops = 0; isPlainObject(current) && typeof current.$ref === 'string'; hops += 1) {
    if (hops > 20) throw new Error(`$ref loop at ${current.$ref}`);
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    const target = child(root, ...ref.slice(2).split('/'));
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    // A description beside a $ref (Klaviyo writes some) still documents the field.
    current =
      typeof current.description === 'string' && isPlainObject(target) && target.description === undefined
        ? { ...target, description: current.description }
        : target;
  }
  return current;
}

function shapeOf(schema: unknown, root: unknown): Shape {
  const s = deref(schema, root);
  const shape: Shape = {
    types: new Set(),
    formats: new Set(),
    enumValues: undefined,
    required: new Set(),
    properties: new Map(),
    items: [],
    limits: new Map(),
    descriptions: [],
  };
  if (!isPlainObject(s)) return shape;
  if (typeof s.type === 'string') shape.types.add(s.type);
  if (Array.isArray(s.type)) for (const t of s.type) shape.types.add(String(t));
  if (typeof s.format === 'string') shape.formats.add(s.format);
  if (Array.isArray(s.enum)) {
    shape.enumValues = new Set(s.enum.map((v) => JSON.stringify(v)));
    // An enum alone implies its values' types: `{ "enum": ["event"] }` is a string.
    if (typeof s.type !== 'string' && !Array.isArray(s.type))
      for (const v of s.enum) shape.types.add(jsonType(v));
  }
  if (Array.isArray(s.required)) for (const r of s.required) shape.required.add(String(r));
  if (isPlainObject(s.properties))
    for (const [k, v] of Object.entries(s.properties)) shape.properties.set(k, v);
  if (s.items !== undefined) shape.items.push(s.items);
  for (const keyword of LIMIT_KEYWORDS) if (s[keyword] !== undefined) shape.limits.set(keyword, s[keyword]);
  if (typeof s.description === 'string') shape.descriptions.push(s.description);

  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const b = shapeOf(branch, root);
      for (const t of b.types) shape.types.add(t);
      for (const f of b.formats) shape.formats.add(f);
      if (b.enumValues) shape.enumValues = new Set([...(shape.enumValues ?? []), ...b.enumValues]);
      for (const r of b.required) shape.required.add(r);
      for (const [k, v] of b.properties) if (!shape.properties.has(k)) shape.properties.set(k, v);
      shape.items.push(...b.items);
      for (const [k, v] of b.limits) if (!shape.limits.has(k)) shape.limits.set(k, v);
      shape.descriptions.push(...b.descriptions);
    }
  }
  // Null added by `nullable` to an enum says nothing the type does not already say.
  if (shape.enumValues?.has('null') && shape.types.has('null')) {
    shape.enumValues.delete('null');
    if (shape.enumValues.size === 0) shape.enumValues = undefined;
  }
  return shape;
}

const number = (text: string): number => Number(text.replace(/,/g, ''));
const bytes = (amount: string, unit: string): number =>
  Math.round(Number(amount) * (unit.toUpperCase() === 'MB' ? 1024 * 1024 : 1024));

/** Limits Klaviyo states in a field's description rather than in a keyword. */
function documentedLimits(descriptions: readonly string[]): Map<string, number> {
  const limits = new Map<string, number>();
  for (const text of descriptions) {
    const properties = /must not exceed ([\d,]+) properties/i.exec(text);
    if (properties?.[1]) limits.set('maxProperties', number(properties[1]));
    const chars = /less than ([\d,]+) characters/i.exec(text);
    if (chars?.[1]) limits.set('maxLength', number(chars[1]) - 1);
  }
  return limits;
}

interface DriftContext {
  out: string[];
  oursRoot: unknown;
  theirsRoot: unknown;
  /** "Accepts up to N <noun>s per request": the most items an array of <noun> resources may hold. */
  perRequest: { noun: string; count: number } | undefined;
}

const describeSet = (set: ReadonlySet<string> | undefined): string =>
  set === undefined || set.size === 0 ? 'none' : [...set].sort().join('|');
const sameSet = (a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean =>
  describeSet(a) === describeSet(b);

function compareSchemas(ours: unknown, theirs: unknown, where: string, ctx: DriftContext, depth = 0): void {
  if (depth > 40) throw new Error(`${where}: schemas nest too deeply (recursive $ref?)`);
  const o = shapeOf(ours, ctx.oursRoot);
  const t = shapeOf(theirs, ctx.theirsRoot);
  const at = where === '' ? '/' : where;

  if (!sameSet(o.types, t.types))
    ctx.out.push(`${at}: type ${describeSet(t.types)} at Klaviyo, ${describeSet(o.types)} in ours`);
  if (!sameSet(o.formats, t.formats))
    ctx.out.push(`${at}: format ${describeSet(t.formats)} at Klaviyo, ${describeSet(o.formats)} in ours`);
  if (!sameSet(o.enumValues, t.enumValues))
    ctx.out.push(`${at}: enum ${describeSet(t.enumValues)} at Klaviyo, ${describeSet(o.enumValues)} in ours`);
  for (const name of t.required)
    if (!o.required.has(name)) ctx.out.push(`${at}: Klaviyo requires '${name}'; ours does not`);
  for (const name of o.required)
    if (!t.required.has(name)) ctx.out.push(`${at}: ours requires '${name}'; Klaviyo does not`);

  const theirLimits = new Map<string, unknown>([...documentedLimits(t.descriptions), ...t.limits]);
  if (ctx.perRequest && t.types.has('array') && !theirLimits.has('maxItems')) {
    const itemType =
      t.items[0] === undefined ? undefined : shapeOf(t.items[0], ctx.theirsRoot).properties.get('type');
    const nouns = itemType === undefined ? undefined : shapeOf(itemType, ctx.theirsRoot).enumValues;
    // The resource type is the noun, or ends with it (`data-source-record` for "records").
    const noun = ctx.perRequest.noun;
    const named = [...(nouns ?? [])].some((n) => n === JSON.stringify(noun) || n.endsWith(`-${noun}"`));
    if (nouns?.size === 1 && named) theirLimits.set('maxItems', ctx.perRequest.count);
  }
  for (const keyword of LIMIT_KEYWORDS) {
    const mine = o.limits.get(keyword);
    const klaviyo = theirLimits.get(keyword);
    if (JSON.stringify(mine) !== JSON.stringify(klaviyo))
      ctx.out.push(
        `${at}: ${keyword} ${JSON.stringify(klaviyo) ?? 'none'} at Klaviyo, ${JSON.stringify(mine) ?? 'none'} in ours`,
      );
  }

  for (const [name, sub] of o.properties) {
    const theirSub = t.properties.get(name);
    if (theirSub === undefined)
      ctx.out.push(`${where}/${name}: ours describes it; Klaviyo's document does not`);
    else compareSchemas(sub, theirSub, `${where}/${name}`, ctx, depth + 1);
  }
  if (o.items.length > 0 || t.items.length > 0)
    compareSchemas(o.items[0] ?? {}, t.items[0] ?? {}, `${where}/*`, ctx, depth + 1);
}

/** Every description reachable from a schema, following `$ref`s. */
function descriptionsUnder(schema: unknown, root: unknown, seen = new Set<unknown>()): string[] {
  const s = deref(schema, root);
  if (!isPlainObject(s) && !Array.isArray(s)) return [];
  if (seen.has(s)) return [];
  seen.add(s);
  const found: string[] = [];
  for (const [key, value] of Object.entries(s)) {
    if (key === 'description' && typeof value === 'string') found.push(value);
    else if (typeof value === 'object' && value !== null) found.push(...descriptionsUnder(value, root, seen));
  }
  return found;
}

function rate(text: unknown, unit: 's' | 'm'): number | undefined {
  const match = typeof text === 'string' ? /^(\d+)\/([sm])$/.exec(text.trim()) : null;
  return match?.[2] === unit ? Number(match[1]) : undefined;
}

/**
 * Where our operation file and Klaviyo's OpenAPI document for the same operation disagree: method, path,
 * revision, published rate limit, success statuses, the limits Klaviyo states in prose (payload size, string
 * size, items per request, properties per event, metric name length), and for every field our request and
 * response schemas describe, its type, format, enum, required members and limit keywords. A field Klaviyo
 * requires that ours does not require, or a field ours describes that Klaviyo's document lacks, is drift too.
 * An empty list means no drift.
 */
export function contractDrift(ours: OperationFile, document: unknown): string[] {
  const drift: string[] = [];
  const op = ours.operationId;
  const say = (line: string): void => void drift.push(`${op} ${line}`);
  if (!isPlainObject(document)) return [`${op}: not an OpenAPI document`];
  const found = findOperation(document, op);
  if (!found) return [`${op}: Klaviyo's document has no such operation`];
  const { operation } = found;

  if (found.method !== ours.method) say(`method: ${found.method} at Klaviyo, ${ours.method} in ours`);
  if (found.path !== ours.path) say(`path: ${found.path} at Klaviyo, ${ours.path} in ours`);
  const version = child(document, 'info', 'version');
  if (version !== ours.revision) say(`revision: ${String(version)} at Klaviyo, ${ours.revision} in ours`);
  const parameters: unknown[] = Array.isArray(operation.parameters) ? operation.parameters : [];
  const revisionHeader = parameters.find(
    (p) => child(p, 'name') === 'revision' && child(p, 'in') === 'header',
  );
  const headerDefault = child(revisionHeader, 'schema', 'default');
  if (headerDefault !== ours.revision)
    say(`revision header default: ${String(headerDefault)} at Klaviyo, ${ours.revision} in ours`);

  const limit = operation['x-klaviyo-ratelimit'];
  const burst = rate(child(limit, 'burst'), 's');
  const steady = rate(child(limit, 'steady'), 'm');
  if (burst !== ours.rateLimit.burst)
    say(`rate limit burst: ${burst ?? '?'}/s at Klaviyo, ${ours.rateLimit.burst}/s in ours`);
  if (steady !== ours.rateLimit.steady)
    say(`rate limit steady: ${steady ?? '?'}/m at Klaviyo, ${ours.rateLimit.steady}/m in ours`);

  const responses = isPlainObject(operation.responses) ? operation.responses : {};
  const successes = Object.keys(responses).filter((s) => /^2\d\d$/.test(s));
  if (!sameSet(new Set(successes), new Set(ours.success.map(String))))
    say(`success statuses: ${successes.join(', ')} at Klaviyo, ${ours.success.join(', ')} in ours`);

  const components = convertedComponents(document);
  const requestName = schemaName(child(operation, 'requestBody', 'content'));

  // Limits Klaviyo states in prose: the operation's description and those of the fields of its request body.
  const prose = [
    typeof operation.description === 'string' ? operation.description : '',
    ...(requestName === undefined
      ? []
      : descriptionsUnder({ $ref: `#/definitions/${requestName}` }, components)),
  ].join('\n');
  // "Accepts up to 100 events per request"; the catalog's say "100 catalog items (variants, categories)", whose
  // rows are `catalog-item` resources: the noun is singular, its words joined by '-'.
  const items = /accepts up to ([\d,]+) ((?:\w+ )?\w+?)(?:ies|s) per request/i.exec(prose);
  // The consent operations say it otherwise: "Maximum number of profiles per call: 100".
  const maximum = /maximum number of (\w+?)s (?:per call|can be submitted[^:\n]*): ([\d,]+)/i.exec(prose);
  const perRequest =
    items?.[1] && items[2]
      ? {
          noun: `${items[2].toLowerCase().replace(/ /g, '-')}${/ies per request/i.test(items[0]) ? 'y' : ''}`,
          count: number(items[1]),
        }
      : maximum?.[1] && maximum[2]
        ? { noun: maximum[1].toLowerCase(), count: number(maximum[2]) }
        : undefined;
  const ctx = (out: string[]): DriftContext => ({ out, oursRoot: ours, theirsRoot: components, perRequest });
  const payload = /payload(?: size)? (?:is|must not exceed) (\d+(?:\.\d+)?) ?(KB|MB)\b/i.exec(prose);
  const maxBody = payload?.[1] && payload[2] ? bytes(payload[1], payload[2]) : undefined;
  if (maxBody !== ours.limits.maxBodyBytes)
    say(
      `payload size: ${maxBody ?? 'not stated'} bytes at Klaviyo, ${ours.limits.maxBodyBytes ?? 'none'} in ours`,
    );
  const perProfile = /payload size per-profile is (\d+(?:\.\d+)?) ?(KB|MB)\b/i.exec(prose);
  const maxProfile = perProfile?.[1] && perProfile[2] ? bytes(perProfile[1], perProfile[2]) : undefined;
  if (maxProfile !== ours.limits.maxProfileBytes)
    say(
      `profile size: ${maxProfile ?? 'not stated'} bytes at Klaviyo, ${ours.limits.maxProfileBytes ?? 'none'} in ours`,
    );
  const perRecord = /payload size per-record is (\d+(?:\.\d+)?) ?(KB|MB)\b/i.exec(prose);
  const maxRecord = perRecord?.[1] && perRecord[2] ? bytes(perRecord[1], perRecord[2]) : undefined;
  if (maxRecord !== ours.limits.maxRecordBytes)
    say(
      `record size: ${maxRecord ?? 'not stated'} bytes at Klaviyo, ${ours.limits.maxRecordBytes ?? 'none'} in ours`,
    );
  const string = /(?:each|a single) string cannot (?:be larger than|exceed) (\d+(?:\.\d+)?) ?(KB|MB)\b/i.exec(
    prose,
  );
  const maxString = string?.[1] && string[2] ? bytes(string[1], string[2]) : undefined;
  if (maxString !== ours.limits.maxStringBytes)
    say(
      `string size: ${maxString ?? 'not stated'} bytes at Klaviyo, ${ours.limits.maxStringBytes ?? 'none'} in ours`,
    );
  const jobs = /maximum number of jobs in progress at one time is ([\d,]+)/i.exec(prose);
  const maxJobs = jobs?.[1] ? number(jobs[1]) : undefined;
  if (maxJobs !== ours.limits.maxJobsInProgress)
    say(
      `jobs in progress: ${maxJobs ?? 'not stated'} at Klaviyo, ${ours.limits.maxJobsInProgress ?? 'none'} in ours`,
    );
  const maxEvents = perRequest?.noun === 'event' ? perRequest.count : undefined;
  if (maxEvents !== ours.limits.maxEventsPerRequest)
    say(
      `events per request: ${maxEvents ?? 'not stated'} at Klaviyo, ${ours.limits.maxEventsPerRequest ?? 'none'} in ours`,
    );

  if (requestName === undefined) {
    if (ours.request !== undefined)
      say("request: Klaviyo's document has no request body schema; ours has one");
  } else if (ours.request === undefined) say(`request: Klaviyo's document has ${requestName}; ours has none`);
  else {
    const out: string[] = [];
    compareSchemas(ours.request, { $ref: `#/definitions/${requestName}` }, '', ctx(out));
    for (const line of out) say(`request ${line}`);
  }

  const responseNames = new Set(
    successes.map((s) => schemaName(child(responses[s], 'content'))).filter((n) => n !== undefined),
  );
  const [responseName, ...others] = responseNames;
  if (others.length > 0)
    say(`response: Klaviyo answers with several schemas (${[...responseNames].join(', ')})`);
  if (responseName === undefined && ours.response !== undefined)
    say('response: Klaviyo documents no success body; ours has a response schema');
  else if (responseName !== undefined && ours.response === undefined)
    say(`response: Klaviyo answers with ${responseName}; ours has no response schema`);
  else if (responseName !== undefined && ours.response !== undefined) {
    const out: string[] = [];
    compareSchemas(ours.response, { $ref: `#/definitions/${responseName}` }, '', ctx(out));
    for (const line of out) say(`response ${line}`);
  }
  return drift;
}

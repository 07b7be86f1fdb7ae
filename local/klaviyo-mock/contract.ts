// Klaviyo's published contract, read from the OpenAPI 3.0 operation files in `../shared/klaviyo-openapi/`:
// each operation's path, its published rate limit (`x-klaviyo-ratelimit`) and a validator for its request
// body. OpenAPI 3.0 schemas are not JSON Schema, so each document's components are converted first
// (`nullable`, `$ref` siblings, boolean `exclusiveMinimum`/`exclusiveMaximum`) and compiled with ajv.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { EndpointLimit, KlaviyoOperationId } from './types.ts';

const OPERATION_FILES: Record<KlaviyoOperationId, string> = {
  create_event: 'create_event.json',
  bulk_create_events: 'bulk_create_events.json',
  create_or_update_profile: 'create_or_update_profile.json',
  bulk_import_profiles: 'bulk_import_profiles.json',
};

export const OPERATION_IDS = Object.keys(OPERATION_FILES) as KlaviyoOperationId[];

/** One failed check, located by a JSON pointer into the request body. */
export interface ValidationIssue {
  pointer: string;
  detail: string;
}

export interface OperationContract {
  operationId: KlaviyoOperationId;
  method: string;
  path: string;
  /** The API revision the document describes (its `info.version`). */
  revision: string;
  publishedLimit: EndpointLimit;
  /** The first problem with a request body, or null when it satisfies the operation's request schema. */
  validateBody(body: unknown): ValidationIssue | null;
}

export interface KlaviyoContract {
  dir: string;
  operations: Record<KlaviyoOperationId, OperationContract>;
  /** Validates a value against any schema in an operation document's `components.schemas` (e.g. a response). */
  validateComponent(
    operationId: KlaviyoOperationId,
    schemaName: string,
    value: unknown,
  ): ValidationIssue | null;
}

/** `$KLAVIYO_OPENAPI_DIR`, else `../shared/klaviyo-openapi` next to the repository root. */
export function defaultOpenApiDir(): string {
  const fromEnv = process.env.KLAVIYO_OPENAPI_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  return path.resolve(repoRoot, '../shared/klaviyo-openapi');
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function child(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
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
 * that happens to be named `nullable` or `example` is left alone.
 */
export function openApiSchemaToJsonSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
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

function parseRate(text: unknown, unit: 's' | 'm', where: string): number {
  const match = typeof text === 'string' ? /^(\d+)\/([sm])$/.exec(text.trim()) : null;
  if (!match || match[2] !== unit)
    throw new Error(`${where}: cannot read rate limit ${JSON.stringify(text)}`);
  return Number(match[1]);
}

function pointerOf(error: ErrorObject): string {
  const base = error.instancePath;
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty?: string }).missingProperty ?? '';
    return `${base}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }
  return base;
}

const depth = (pointer: string): number => (pointer === '' ? 0 : pointer.split('/').length - 1);

const fieldName = (pointer: string): string => {
  const last = pointer.split('/').pop() ?? '';
  return last === '' ? 'data' : last.replace(/~1/g, '/').replace(/~0/g, '~');
};

const COMPOSITE = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);

/** Picks the most specific of ajv's errors and words it the way Klaviyo words validation errors. */
export function describeErrors(errors: readonly ErrorObject[], body: unknown): ValidationIssue {
  const ranked = errors.filter((e) => !COMPOSITE.has(e.keyword));
  const pool = ranked.length > 0 ? ranked : errors;
  let best = pool[0];
  for (const error of pool)
    if (best === undefined || depth(pointerOf(error)) > depth(pointerOf(best))) best = error;
  if (best === undefined) return { pointer: '/data', detail: 'The request body is invalid.' };

  const pointer = pointerOf(best);
  const field = fieldName(pointer);
  if (pointer === '' && best.keyword === 'type')
    return {
      pointer: '/data',
      detail: 'The request body must be a JSON:API document: an object with `data`.',
    };
  const shown = pointer === '' ? '/data' : pointer;
  const valueAt = (p: string): unknown =>
    p === ''
      ? body
      : child(
          body,
          ...p
            .slice(1)
            .split('/')
            .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
        );

  switch (best.keyword) {
    case 'required':
      return { pointer: shown, detail: `'${field}' is a required field.` };
    case 'type': {
      const types = new Set<string>();
      for (const e of pool)
        if (e.keyword === 'type' && pointerOf(e) === pointer) {
          const t = (e.params as { type: string | string[] }).type;
          for (const one of Array.isArray(t) ? t : [t]) types.add(one);
        }
      const got = valueAt(pointer);
      const gotType = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
      return {
        pointer: shown,
        detail: `'${field}' must be of type ${[...types].join(' or ')}, not ${gotType}.`,
      };
    }
    case 'enum': {
      const allowed = (best.params as { allowedValues: unknown[] }).allowedValues;
      return {
        pointer: shown,
        detail: `${JSON.stringify(valueAt(pointer))} is not a valid choice for '${field}'. Expected one of: ${allowed
          .map((v) => JSON.stringify(v))
          .join(', ')}.`,
      };
    }
    case 'format':
      return {
        pointer: shown,
        detail: `'${field}' must be a valid ${(best.params as { format: string }).format} string, got ${JSON.stringify(valueAt(pointer))}.`,
      };
    default:
      return { pointer: shown, detail: `'${field}' ${best.message ?? 'is invalid'}.` };
  }
}

interface LoadedDocument {
  schemaId: string;
  document: JsonObject;
}

/** Reads and compiles the four operation documents. Throws when a file is missing or unreadable. */
export function loadKlaviyoContract(dir: string = defaultOpenApiDir()): KlaviyoContract {
  // The contract is Klaviyo's published data, not ours: say where to get it rather than fail obscurely.
  if (!existsSync(path.join(dir, OPERATION_FILES.create_event))) {
    throw new Error(
      `Klaviyo's OpenAPI operation files are not in ${dir}. Set KLAVIYO_OPENAPI_DIR to a folder holding ` +
        `${Object.values(OPERATION_FILES).join(', ')} (the klaviyo/openapi repository, openapi/stable/apis), ` +
        'or set KLAVIYO_API_KEY / KLAVIYO_BASE_URL to use a real Klaviyo instead of the mock.',
    );
  }
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormatsModule.default(ajv);

  const documents = new Map<KlaviyoOperationId, LoadedDocument>();
  const operations = {} as Record<KlaviyoOperationId, OperationContract>;
  const validators = new Map<string, ValidateFunction>();

  const validatorFor = (operationId: KlaviyoOperationId, schemaName: string): ValidateFunction => {
    const loaded = documents.get(operationId);
    if (!loaded) throw new Error(`unknown operation ${operationId}`);
    const ref = `${loaded.schemaId}#/definitions/${schemaName}`;
    let validate = validators.get(ref);
    if (!validate) {
      if (!isObject(child(loaded.document, 'components', 'schemas', schemaName)))
        throw new Error(`${operationId}: no schema ${schemaName}`);
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  };

  const check = (validate: ValidateFunction, value: unknown): ValidationIssue | null =>
    validate(value) ? null : describeErrors(validate.errors ?? [], value);

  for (const operationId of OPERATION_IDS) {
    const file = path.join(dir, OPERATION_FILES[operationId]);
    const document = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!isObject(document) || !isObject(document.paths)) throw new Error(`${file}: not an OpenAPI document`);

    let found: { path: string; method: string; operation: JsonObject } | undefined;
    for (const [opPath, item] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(isObject(item) ? item : {}))
        if (isObject(operation) && operation.operationId === operationId)
          found = { path: opPath, method, operation };
    if (!found) throw new Error(`${file}: no operation ${operationId}`);

    const schemas = child(document, 'components', 'schemas');
    const schemaId = `https://klaviyo-mock.local/${OPERATION_FILES[operationId]}`;
    ajv.addSchema({
      $id: schemaId,
      definitions: Object.fromEntries(
        Object.entries(isObject(schemas) ? schemas : {}).map(([name, s]) => [
          name,
          openApiSchemaToJsonSchema(s),
        ]),
      ),
    });
    documents.set(operationId, { schemaId, document });

    const content = child(found.operation, 'requestBody', 'content');
    const media = isObject(content) ? Object.values(content)[0] : undefined;
    const bodyRef = child(media, 'schema', '$ref');
    if (typeof bodyRef !== 'string')
      throw new Error(`${file}: ${operationId} has no request body schema $ref`);
    const bodySchemaName = bodyRef.replace(/^#\/components\/schemas\//, '');

    const rate = child(found.operation, 'x-klaviyo-ratelimit');
    const where = `${file} x-klaviyo-ratelimit`;
    const info = child(document, 'info', 'version');
    let bodyValidator: ValidateFunction | undefined;
    operations[operationId] = {
      operationId,
      method: found.method.toUpperCase(),
      path: found.path,
      revision: typeof info === 'string' ? info : '',
      publishedLimit: {
        burst: parseRate(child(rate, 'burst'), 's', where),
        steady: parseRate(child(rate, 'steady'), 'm', where),
      },
      validateBody: (body) => check((bodyValidator ??= validatorFor(operationId, bodySchemaName)), body),
    };
  }

  // Compile the body validators now, so a broken document fails at startup rather than on first request.
  for (const operationId of OPERATION_IDS) operations[operationId].validateBody({});

  return {
    dir,
    operations,
    validateComponent: (operationId, schemaName, value) =>
      check(validatorFor(operationId, schemaName), value),
  };
}

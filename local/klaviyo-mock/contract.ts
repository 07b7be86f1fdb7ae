// The project's own contract for the four Klaviyo operations it uses: one JSON file per operation in
// `contract/` beside this file (method, path, revision, published rate limit, documented limits, and JSON
// Schemas for the request body and, where Klaviyo answers with one, the success body). It is written here, from
// Klaviyo's API reference, so that a clone of the repository needs nothing beside it; Klaviyo's OpenAPI files,
// when present, only check it for drift (test/unit/klaviyo-openapi-conformance.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { EndpointLimit, KlaviyoOperationId } from './types.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

export const OPERATION_IDS: readonly KlaviyoOperationId[] = [
  'create_event',
  'bulk_create_events',
  'create_or_update_profile',
  'bulk_import_profiles',
];

/** `local/klaviyo-mock/contract/`: where the operation files live. */
export const CONTRACT_DIR = fileURLToPath(new URL('./contract/', import.meta.url));

/** Limits Klaviyo documents in prose rather than in a schema keyword. */
export interface OperationLimits {
  maxBodyBytes: number;
  /** Largest string anywhere in an event's properties, in UTF-8 bytes. */
  maxStringBytes?: number;
  /** Events in one request, across all of its profiles. */
  maxEventsPerRequest?: number;
}

/** One operation file, as written in `contract/<operationId>.json`. */
export interface OperationFile {
  $comment?: string;
  operationId: KlaviyoOperationId;
  method: string;
  path: string;
  revision: string;
  rateLimit: EndpointLimit;
  /** Success statuses. */
  success: number[];
  limits: OperationLimits;
  request: Record<string, unknown>;
  /** The success body; absent when Klaviyo answers with none. */
  response?: Record<string, unknown>;
  definitions?: Record<string, unknown>;
}

/** One failed check, located by a JSON pointer into the request body. */
export interface ValidationIssue {
  pointer: string;
  detail: string;
}

export interface OperationContract {
  operationId: KlaviyoOperationId;
  method: string;
  path: string;
  /** The API revision the contract describes. */
  revision: string;
  publishedLimit: EndpointLimit;
  success: readonly number[];
  limits: OperationLimits;
  /** The file as read, for the drift check. */
  file: OperationFile;
  /** The first problem with a request body, or null when it satisfies the operation's request schema. */
  validateBody(body: unknown): ValidationIssue | null;
  /** The first problem with a success body; an operation that answers with none accepts only `undefined`. */
  validateResponse(body: unknown): ValidationIssue | null;
}

export interface KlaviyoContract {
  dir: string;
  operations: Record<KlaviyoOperationId, OperationContract>;
}

function child(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isPlainObject(current) ? current[key] : undefined;
  return current;
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
  const limit = (best.params as { limit?: number }).limit;

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
    case 'maxItems':
      return {
        pointer: shown,
        detail: `'${field}' may hold at most ${limit} items (got ${(valueAt(pointer) as unknown[]).length}).`,
      };
    case 'maxProperties':
      return {
        pointer: shown,
        detail: `'${field}' may have at most ${limit} properties (got ${Object.keys(valueAt(pointer) as object).length}).`,
      };
    case 'maxLength':
      return {
        pointer: shown,
        detail: `'${field}' must be at most ${limit} characters long (got ${[...(valueAt(pointer) as string)].length}).`,
      };
    default:
      return { pointer: shown, detail: `'${field}' ${best.message ?? 'is invalid'}.` };
  }
}

const positiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/** Reads one operation file and checks the parts that are not JSON Schema; throws naming the file. */
export function readOperationFile(dir: string, operationId: KlaviyoOperationId): OperationFile {
  const file = path.join(dir, `${operationId}.json`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const problems: string[] = [];
  if (!isPlainObject(parsed)) throw new Error(`${file}: not a JSON object`);
  if (parsed.operationId !== operationId) problems.push(`operationId must be ${operationId}`);
  if (typeof parsed.method !== 'string' || !/^[A-Z]+$/.test(parsed.method))
    problems.push('method must be an upper-case HTTP method');
  if (typeof parsed.path !== 'string' || !parsed.path.startsWith('/api/'))
    problems.push('path must start with /api/');
  if (typeof parsed.revision !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(parsed.revision))
    problems.push('revision must be YYYY-MM-DD');
  if (
    !positiveInteger(child(parsed, 'rateLimit', 'burst')) ||
    !positiveInteger(child(parsed, 'rateLimit', 'steady'))
  )
    problems.push('rateLimit needs positive integer burst and steady');
  if (
    !Array.isArray(parsed.success) ||
    !parsed.success.every((s) => Number.isInteger(s) && s >= 200 && s < 300)
  )
    problems.push('success must list 2xx statuses');
  if (!positiveInteger(child(parsed, 'limits', 'maxBodyBytes')))
    problems.push('limits.maxBodyBytes is required');
  if (!isPlainObject(parsed.request)) problems.push('request must be a JSON Schema');
  if (parsed.response !== undefined && !isPlainObject(parsed.response))
    problems.push('response, when present, must be a JSON Schema');
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return parsed as unknown as OperationFile;
}

// Keys of an operation file that describe the operation rather than a schema; ajv is told of them so that
// strict mode still catches a misspelt keyword inside the schemas.
const FILE_KEYWORDS = [
  'operationId',
  'method',
  'path',
  'revision',
  'rateLimit',
  'success',
  'limits',
  'request',
  'response',
];

/** Reads and compiles the four operation files. Throws when a file is missing, malformed or not valid JSON Schema. */
export function loadKlaviyoContract(dir: string = CONTRACT_DIR): KlaviyoContract {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true, logger: false });
  addFormatsModule.default(ajv);
  ajv.addVocabulary(FILE_KEYWORDS);

  const check = (validate: ValidateFunction, value: unknown): ValidationIssue | null =>
    validate(value) ? null : describeErrors(validate.errors ?? [], value);

  const operations = {} as Record<KlaviyoOperationId, OperationContract>;
  for (const operationId of OPERATION_IDS) {
    const file = readOperationFile(dir, operationId);
    const schemaId = `https://klaviyo-webhook-relay.local/contract/${operationId}.json`;
    ajv.addSchema({ ...file, $id: schemaId });
    // Compiled now, so that a broken schema fails at startup rather than on the first request.
    const request = ajv.compile({ $ref: `${schemaId}#/request` });
    const response = file.response === undefined ? undefined : ajv.compile({ $ref: `${schemaId}#/response` });
    operations[operationId] = {
      operationId,
      method: file.method,
      path: file.path,
      revision: file.revision,
      publishedLimit: { burst: file.rateLimit.burst, steady: file.rateLimit.steady },
      success: file.success,
      limits: file.limits,
      file,
      validateBody: (body) => check(request, body),
      validateResponse: (body) => {
        if (response) return check(response, body);
        return body === undefined ? null : { pointer: '', detail: `${operationId} answers with no body.` };
      },
    };
  }
  return { dir, operations };
}

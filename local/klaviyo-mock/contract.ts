// The project's own contract for the Klaviyo operations it uses: one JSON file per operation in `contract/`
// beside this file (method, path, revision, published rate limit, documented limits, and JSON Schemas for the
// request body, where the operation takes one, and the success body, where Klaviyo answers with one). It is written here, from
// Klaviyo's API reference, so that a clone of the repository needs nothing beside it; Klaviyo's OpenAPI files,
// when present, only check it for drift (test/unit/klaviyo-openapi-conformance.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describeErrors, type ValidationIssue } from './contract-messages.ts';
import type { EndpointLimit, KlaviyoOperationId } from './types.ts';
import { CATALOG_OPERATION_IDS } from './types-catalog.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

export const OPERATION_IDS: readonly KlaviyoOperationId[] = [
  'create_event',
  'bulk_create_events',
  'create_or_update_profile',
  'bulk_import_profiles',
  'get_bulk_import_profiles_job',
  'get_errors_for_bulk_import_profiles_job',
  'bulk_subscribe_profiles',
  'bulk_unsubscribe_profiles',
  ...CATALOG_OPERATION_IDS,
  'create_data_source',
  'bulk_create_data_source_records',
  'create_data_source_record',
  'create_back_in_stock_subscription',
];

export { describeErrors, type ValidationIssue };

/** `local/klaviyo-mock/contract/`: where the operation files live. */
export const CONTRACT_DIR = fileURLToPath(new URL('./contract/', import.meta.url));

/** Limits Klaviyo documents in prose rather than in a schema keyword. */
export interface OperationLimits {
  /** Largest request body; absent where Klaviyo states none (and for GET operations, which take no body). */
  maxBodyBytes?: number;
  /** Largest profile resource of a bulk profile import, in UTF-8 bytes of its JSON. */
  maxProfileBytes?: number;
  /** Largest string anywhere in an event's properties, in UTF-8 bytes. */
  maxStringBytes?: number;
  /** Events in one request, across all of its profiles. */
  maxEventsPerRequest?: number;
  /** Jobs an account may have in progress at one time (the catalog jobs: 500). */
  maxJobsInProgress?: number;
  /** Largest data source record, in UTF-8 bytes of its JSON (the record object). */
  maxRecordBytes?: number;
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
  /** The request body; absent for operations that take none (GET). */
  request?: Record<string, unknown>;
  /** The success body; absent when Klaviyo answers with none. */
  response?: Record<string, unknown>;
  definitions?: Record<string, unknown>;
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
  /**
   * The first problem with a request body, or null when it satisfies the operation's request schema; an
   * operation that takes no body accepts only `undefined`.
   */
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
  if (!isPlainObject(parsed.limits)) problems.push('limits must be an object');
  for (const [name, value] of Object.entries(isPlainObject(parsed.limits) ? parsed.limits : {}))
    if (!positiveInteger(value)) problems.push(`limits.${name} must be a positive integer`);
  if (parsed.method === 'GET' && parsed.request !== undefined)
    problems.push('a GET operation has no request');
  if (parsed.method !== 'GET' && !isPlainObject(parsed.request))
    problems.push('request must be a JSON Schema');
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

/** Reads and compiles the operation files. Throws when a file is missing, malformed or not valid JSON Schema. */
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
    const request = file.request === undefined ? undefined : ajv.compile({ $ref: `${schemaId}#/request` });
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
      validateBody: (body) => {
        if (request) return check(request, body);
        return body === undefined ? null : { pointer: '', detail: `${operationId} takes no body.` };
      },
      validateResponse: (body) => {
        if (response) return check(response, body);
        return body === undefined ? null : { pointer: '', detail: `${operationId} answers with no body.` };
      },
    };
  }
  return { dir, operations };
}

// The Klaviyo mock's reading of the OpenAPI 3.0 files: the schema conversion, the published limits, and the
// request-body validators (also usable on their own, e.g. to check the bodies deliver builds).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultOpenApiDir,
  describeErrors,
  loadKlaviyoContract,
  openApiSchemaToJsonSchema,
} from '../../local/klaviyo-mock/contract.ts';

describe('openApiSchemaToJsonSchema', () => {
  it('turns nullable into a null type, adding null to an enum', () => {
    expect(openApiSchemaToJsonSchema({ type: 'string', nullable: true, example: 'x' })).toEqual({
      type: ['string', 'null'],
    });
    expect(openApiSchemaToJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
  });

  it('honours nullable beside a $ref and beside oneOf, and rewrites component refs', () => {
    expect(
      openApiSchemaToJsonSchema({ $ref: '#/components/schemas/ProfileLocation', nullable: true }),
    ).toEqual({
      anyOf: [{ $ref: '#/definitions/ProfileLocation' }, { type: 'null' }],
    });
    expect(
      openApiSchemaToJsonSchema({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }] }),
    ).toEqual({
      oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }],
    });
  });

  it('offers null beside a typed schema that also composes others', () => {
    const schema = { type: 'object', allOf: [{ required: ['a'] }], nullable: true };
    expect(openApiSchemaToJsonSchema(schema)).toEqual({
      anyOf: [{ type: 'object', allOf: [{ required: ['a'] }] }, { type: 'null' }],
    });
  });

  it('converts boolean exclusive bounds and drops extensions', () => {
    expect(
      openApiSchemaToJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true, 'x-klaviyo': 1 }),
    ).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(openApiSchemaToJsonSchema({ type: 'number', maximum: 9, exclusiveMaximum: false })).toEqual({
      type: 'number',
      maximum: 9,
    });
  });

  it('walks only schema positions: a property named nullable or example is kept', () => {
    const converted = openApiSchemaToJsonSchema({
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: 'string', nullable: true } },
      required: ['nullable'],
    });
    expect(converted).toEqual({
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: ['string', 'null'] } },
      required: ['nullable'],
    });
  });
});

describe('loadKlaviyoContract', () => {
  const contract = loadKlaviyoContract();
  const originalEnv = process.env.KLAVIYO_OPENAPI_DIR;
  afterEach(() => {
    if (originalEnv === undefined) delete process.env.KLAVIYO_OPENAPI_DIR;
    else process.env.KLAVIYO_OPENAPI_DIR = originalEnv;
  });

  it('reads each operation and its published limits', () => {
    const summary = Object.values(contract.operations).map((op) => [
      op.operationId,
      op.method,
      op.path,
      op.publishedLimit,
    ]);
    expect(summary).toEqual([
      ['create_event', 'POST', '/api/events', { burst: 350, steady: 3500 }],
      ['bulk_create_events', 'POST', '/api/event-bulk-create-jobs', { burst: 10, steady: 150 }],
      ['create_or_update_profile', 'POST', '/api/profile-import', { burst: 75, steady: 750 }],
      ['bulk_import_profiles', 'POST', '/api/profile-bulk-import-jobs', { burst: 10, steady: 150 }],
    ]);
    expect(contract.operations.create_event.revision).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('finds the files beside the repository, or where KLAVIYO_OPENAPI_DIR says', () => {
    delete process.env.KLAVIYO_OPENAPI_DIR;
    expect(path.basename(defaultOpenApiDir())).toBe('klaviyo-openapi');
    process.env.KLAVIYO_OPENAPI_DIR = '/somewhere/else';
    expect(defaultOpenApiDir()).toBe('/somewhere/else');
    expect(() => loadKlaviyoContract('/nonexistent/klaviyo-openapi')).toThrow(/create_event\.json/);
  });

  it('validates request bodies of every operation', () => {
    const profile = {
      type: 'profile',
      attributes: { email: 'a@example.com', location: { latitude: '40.7' } },
    };
    expect(contract.operations.create_or_update_profile.validateBody({ data: profile })).toBeNull();
    expect(
      contract.operations.bulk_import_profiles.validateBody({
        data: { type: 'profile-bulk-import-job', attributes: { profiles: { data: [profile] } } },
      }),
    ).toBeNull();
    for (const op of Object.values(contract.operations))
      expect(op.validateBody({}), op.operationId).toEqual({
        pointer: '/data',
        detail: "'data' is a required field.",
      });
  });

  it('words errors with the most specific pointer', () => {
    const issue = contract.operations.create_or_update_profile.validateBody({
      data: { type: 'profile', attributes: { location: { latitude: { deg: 40 } } } },
    });
    expect(issue).toEqual({
      pointer: '/data/attributes/location/latitude',
      detail: "'latitude' must be of type string or number or null, not object.",
    });
    expect(contract.operations.create_event.validateBody([])?.pointer).toBe('/data');
    expect(describeErrors([], {})).toEqual({ pointer: '/data', detail: 'The request body is invalid.' });
  });
});

// The Terraform inputs that make the configuration document (`sources`, `klaviyo`, `ingest`, `hydrate`), written from the
// document's JSON Schema (./json-schema.ts): their types, and a validation for every rule HCL can state — lengths,
// patterns, enums, ranges, list sizes, map key patterns, and which fields each member of a union takes. Rules
// the zod schema states as code (refinements) are written in HCL by hand in ./terraform-rules.ts.
//
// Terraform's form differs from the document's in three places (terraform/config.tf renders it back):
// - a value spec (a dot path, or `{ "expr": … }`) is a string, an expression after a leading "=";
// - a value of any JSON (a hydration step's `body`) is JSON text;
// - a secret reference is `ssm` or `secrets_manager`: `env` is local mode's.
// Unions of objects (a secret reference, an auth kind, a source's kind) become one object with every member's
// fields, each optional, and a validation that the fields set are one member's.
import { omit, type JsonSchema } from './json-schema.ts';
import { TERRAFORM_RULES, type TerraformRule } from './terraform-rules.ts';

/** The document's top-level fields Terraform takes as variables (`version` it writes itself). */
export const TERRAFORM_VARIABLES = ['sources', 'klaviyo', 'ingest', 'hydrate'] as const;

/**
 * Under a source's hydration and mapping, a default written by Terraform would override the preset's value
 * (presets merge field by field), so Terraform leaves defaults to the functions there — except for these, which
 * terraform/config.tf reads as maps and objects.
 */
const PRESET_PARTS = /^sources\[\*\]\.(hydration|mapping)\./;
const DEFAULTS_KEPT_UNDER_PRESETS = new Set([
  'sources[*].hydration.timeout_ms',
  'sources[*].mapping.metric_by_event_type',
  'sources[*].mapping.emit_by_event_type',
  'sources[*].mapping.profile',
]);

/** A JSON Schema node as Terraform sees it. */
type Node =
  | { kind: 'string'; schema: JsonSchema }
  | { kind: 'number'; schema: JsonSchema }
  | { kind: 'bool' }
  | { kind: 'json' }
  | { kind: 'spec'; plain: JsonSchema; expression: JsonSchema }
  | { kind: 'list'; schema: JsonSchema; items: Node }
  | { kind: 'map'; schema: JsonSchema; keys: JsonSchema | undefined; values: Node }
  | { kind: 'object'; fields: Field[]; union?: Union };

interface Field {
  name: string;
  node: Node;
  required: boolean;
  default: unknown;
  description: string | undefined;
}

/** The members of a union of objects: for each, the fields it takes, those it requires, and its constants. */
interface Union {
  members: { takes: Set<string>; requires: Set<string>; constants: Map<string, string> }[];
  /** The field whose constant names the member (a source's `kind`), when there is one. */
  discriminator: string | undefined;
}

export class TerraformGenerator {
  constructor(private readonly root: JsonSchema) {}

  private resolve(schema: JsonSchema): JsonSchema {
    let node = schema;
    while (node.$ref !== undefined) {
      const id = /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1];
      const def = id === undefined ? undefined : this.root.$defs?.[id];
      if (def === undefined) throw new Error(`unresolved ${node.$ref}`);
      node = { ...def, ...omit(node, '$ref') };
    }
    return node;
  }

  /** A union's members, a union among them spread into its own (zod nests `z.union([a, z.union([b, c])])`). */
  private members(alternatives: JsonSchema[]): JsonSchema[] {
    return alternatives.flatMap((m) => {
      const member = this.resolve(m);
      const nested = member.anyOf ?? member.oneOf;
      return nested === undefined ? [member] : this.members(nested);
    });
  }

  node(raw: JsonSchema, at: string): Node {
    const schema = this.resolve(raw);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives !== undefined) {
      const members = this.members(alternatives);
      const expression = members.find(isExpressionObject);
      if (expression !== undefined) {
        const plain = members.filter((m) => m !== expression);
        if (plain.length !== 1 || plain[0]?.type !== 'string')
          throw new Error(`${at}: a value spec must be one string or an expression`);
        const text = expression.properties?.expr;
        if (text === undefined) throw new Error(`${at}: an expression without expr`);
        return { kind: 'spec', plain: plain[0], expression: this.resolve(text) };
      }
      // Environment variables are local mode's secret references; AWS reads SSM and Secrets Manager.
      const objects = members.filter((m) => !isEnvReference(m));
      if (objects.every((m) => m.type === 'object' && m.properties !== undefined))
        return this.union(objects, at);
      throw new Error(`${at}: a union Terraform cannot type (members: ${JSON.stringify(members)})`);
    }
    switch (schema.type) {
      case 'string':
        return { kind: 'string', schema };
      case 'number':
      case 'integer':
        return { kind: 'number', schema };
      case 'boolean':
        return { kind: 'bool' };
      case 'array':
        return { kind: 'list', schema, items: this.node(schema.items ?? {}, `${at}[*]`) };
      case 'object':
        if (schema.properties !== undefined) return { kind: 'object', fields: this.fields(schema, at) };
        if (typeof schema.additionalProperties === 'object')
          return {
            kind: 'map',
            schema,
            keys: schema.propertyNames,
            values: this.node(schema.additionalProperties, `${at}[*]`),
          };
        return { kind: 'json' };
      case undefined:
        return { kind: 'json' };
      default:
        throw new Error(`${at}: type ${schema.type} has no Terraform form`);
    }
  }

  private fields(schema: JsonSchema, at: string): Field[] {
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {})
      .filter(([name]) => name !== '$schema')
      .map(([name, raw]) => {
        const path = `${at}.${name}`;
        const resolved = this.resolve(raw);
        const underPreset = PRESET_PARTS.test(path) && !DEFAULTS_KEPT_UNDER_PRESETS.has(path);
        return {
          name,
          node: this.node(raw, path),
          required: required.has(name),
          default: underPreset ? undefined : resolved.default,
          description: resolved.description,
        };
      });
  }

  /** Members' fields merged: each field's rules must agree between members (constants aside). */
  private union(members: JsonSchema[], at: string): Node {
    const byName = new Map<string, { schemas: JsonSchema[]; requiredIn: number }>();
    const union: Union = { members: [], discriminator: undefined };
    for (const member of members) {
      const required = new Set(member.required ?? []);
      const constants = new Map<string, string>();
      for (const [name, raw] of Object.entries(member.properties ?? {})) {
        const field = byName.get(name) ?? { schemas: [], requiredIn: 0 };
        const resolved = this.resolve(raw);
        field.schemas.push(resolved);
        if (required.has(name)) field.requiredIn++;
        byName.set(name, field);
        if (typeof resolved.const === 'string') constants.set(name, resolved.const);
      }
      union.members.push({
        takes: new Set(Object.keys(member.properties ?? {})),
        requires: required,
        constants,
      });
    }
    union.discriminator = [...byName.keys()].find((name) =>
      union.members.every((m) => m.constants.has(name) && m.requires.has(name)),
    );
    const fields: Field[] = [...byName.entries()].map(([name, { schemas, requiredIn }]) => {
      const path = `${at}.${name}`;
      const [first] = schemas;
      if (first === undefined) throw new Error(`${path}: a field of no member`);
      const constants = schemas.map((s) => s.const);
      let merged: JsonSchema;
      if (constants.every((c) => typeof c === 'string'))
        merged = { type: 'string', enum: [...new Set(constants)] };
      else {
        const shapes = new Set(schemas.map((s) => JSON.stringify(withoutNotes(s))));
        if (shapes.size !== 1)
          throw new Error(
            `${path}: the union's members give this field different rules; Terraform needs one`,
          );
        merged = first;
      }
      const defaults = new Set(schemas.map((s) => JSON.stringify(s.default)));
      const everywhere = schemas.length === members.length;
      const underPreset = PRESET_PARTS.test(path) && !DEFAULTS_KEPT_UNDER_PRESETS.has(path);
      return {
        name,
        node: this.node(merged, path),
        required: requiredIn === members.length,
        default: everywhere && defaults.size === 1 && !underPreset ? first.default : undefined,
        description: schemas.find((s) => s.description !== undefined)?.description,
      };
    });
    return { kind: 'object', fields, union };
  }

  /** The HCL type of a node, at `indent` spaces (object types span lines, as terraform fmt lays them out). */
  type(node: Node, indent: number): string {
    switch (node.kind) {
      case 'string':
      case 'json':
      case 'spec':
        return 'string';
      case 'number':
        return 'number';
      case 'bool':
        return 'bool';
      case 'list':
        return `list(${this.type(node.items, indent)})`;
      case 'map':
        return `map(${this.type(node.values, indent)})`;
      case 'object': {
        const pad = ' '.repeat(indent + 2);
        const lines: (string | [string, string])[] = [];
        for (const field of node.fields) {
          const type = this.type(field.node, indent + 2);
          const value = field.required
            ? type
            : field.default === undefined
              ? `optional(${type})`
              : `optional(${type}, ${hclValue(field.default)})`;
          lines.push([`${pad}${field.name}`, value]);
        }
        return `object({\n${aligned(lines).join('\n')}\n${' '.repeat(indent)}})`;
      }
    }
  }

  /** Every rule of a node and its descendants, for the values at `path` (collected by `collect`). */
  rules(node: Node, path: string, collect: string, depth = 0): TerraformRule[] {
    const v = `v${depth}`;
    const found: TerraformRule[] = [];
    const own = predicate(node, v);
    if (own !== undefined)
      found.push({
        condition: `alltrue([for ${v} in ${collect} : ${own.condition}])`,
        error_message: `${path} must be ${own.message}.`,
      });
    switch (node.kind) {
      case 'list':
        found.push(...this.rules(node.items, `${path}[*]`, `flatten(${collect})`, depth + 1));
        break;
      case 'map': {
        const keys =
          node.keys === undefined ? undefined : predicate({ kind: 'string', schema: node.keys }, 'k');
        if (keys !== undefined)
          found.push({
            condition: `alltrue([for k in flatten([for m in ${collect} : keys(m)]) : ${keys.condition}])`,
            error_message: `Each key of ${path} must be ${keys.message}.`,
          });
        found.push(
          ...this.rules(node.values, `${path}[*]`, `flatten([for m in ${collect} : values(m)])`, depth + 1),
        );
        break;
      }
      case 'object':
        if (node.union !== undefined) found.push(unionRule(node, path, collect, v));
        for (const field of node.fields)
          found.push(
            ...this.rules(
              field.node,
              `${path}.${field.name}`,
              `[for o in ${collect} : o.${field.name} if o.${field.name} != null]`,
              depth + 1,
            ),
          );
        break;
      default:
        break;
    }
    return found;
  }

  /** `variable "<name>" { … }` for one top-level field of the document. */
  variable(name: string): string {
    const raw = this.root.properties?.[name];
    if (raw === undefined) throw new Error(`the document has no ${name}`);
    const resolved = this.resolve(raw);
    const path = name === 'sources' ? 'sources' : name;
    const node = this.node(raw, name === 'sources' ? 'sources' : name);
    const required = (this.root.required ?? []).includes(name);
    const description = resolved.description;
    if (description === undefined) throw new Error(`${name} has no description (.check(z.describe(…)))`);
    const rules = [
      ...(node.kind === 'map' ? this.mapRules(node, path, name) : this.rules(node, path, `[var.${name}]`)),
      ...TERRAFORM_RULES.filter((r) => r.variable === name),
    ];
    const lines = [
      `variable "${name}" {`,
      `  description = ${hclString(description)}`,
      `  type = ${this.type(node, 2)}`,
      ...(required ? [] : [`  default = ${hclValue(resolved.default ?? {})}`]),
      ...rules.flatMap((rule) => [
        '',
        '  validation {',
        ...(rule.comment === undefined ? [] : [`    # ${rule.comment}`]),
        `    condition     = ${rule.condition}`,
        `    error_message = ${hclString(rule.error_message)}`,
        '  }',
      ]),
      '}',
    ];
    return lines.join('\n');
  }

  /** `sources` is a map: its values are the sources, named `sources[*]` in messages. */
  private mapRules(node: Extract<Node, { kind: 'map' }>, path: string, name: string): TerraformRule[] {
    return this.rules(node, path, `[var.${name}]`);
  }
}

const isExpressionObject = (m: JsonSchema) =>
  m.type === 'object' && Object.keys(m.properties ?? {}).join() === 'expr';
// config/secret-refs.ts tags local mode's `{ "env" }` reference local_only (refused in AWS, so no Terraform input).
const isEnvReference = (m: JsonSchema) =>
  m.local_only === true || (m.type === 'object' && Object.keys(m.properties ?? {}).join() === 'env');

const withoutNotes = (schema: JsonSchema) => omit(schema, 'description', 'default');

/** The condition on one value `v` (never null) and what it says, or undefined when the node has no rule. */
function predicate(node: Node, v: string): { condition: string; message: string } | undefined {
  switch (node.kind) {
    case 'string':
      return stringPredicate(node.schema, v);
    case 'number':
      return numberPredicate(node.schema, v);
    case 'json':
      return { condition: `can(jsondecode(${v}))`, message: 'JSON text (jsonencode({ … }))' };
    case 'spec': {
      const text = `trimspace(substr(${v}, 1, -1))`;
      const expression = stringPredicate(node.expression, text);
      const plain = stringPredicate(node.plain, v);
      if (expression === undefined || plain === undefined) throw new Error('a value spec without rules');
      return {
        condition: `startswith(${v}, "=") ? ${expression.condition} : ${plain.condition}`,
        message: `${plain.message}, or "=" followed by a JSONata expression (${expression.message})`,
      };
    }
    case 'list': {
      const min = node.schema.minItems as number | undefined;
      const max = node.schema.maxItems as number | undefined;
      if (min === undefined && max === undefined) return undefined;
      return {
        condition: join([
          min === undefined ? undefined : `length(${v}) >= ${min}`,
          max === undefined ? undefined : `length(${v}) <= ${max}`,
        ]),
        message: `a list of ${range(min, max, 'entries')}`,
      };
    }
    default:
      return undefined;
  }
}

function stringPredicate(schema: JsonSchema, v: string): { condition: string; message: string } | undefined {
  const conditions: (string | undefined)[] = [];
  const messages: string[] = [];
  if (Array.isArray(schema.enum)) {
    conditions.push(`contains(${hclValue(schema.enum)}, ${v})`);
    messages.push(`one of ${(schema.enum as string[]).join(', ')}`);
  }
  if (typeof schema.const === 'string') {
    conditions.push(`${v} == ${hclString(schema.const)}`);
    messages.push(`"${schema.const}"`);
  }
  const min = schema.minLength as number | undefined;
  const max = schema.maxLength as number | undefined;
  if (min !== undefined || max !== undefined) {
    conditions.push(min === undefined ? undefined : `length(${v}) >= ${min}`);
    conditions.push(max === undefined ? undefined : `length(${v}) <= ${max}`);
    messages.push(`${range(min, max, max === undefined && min === 1 ? 'character' : 'characters')}`);
  }
  if (typeof schema.pattern === 'string') {
    conditions.push(`can(regex(${hclString(schema.pattern)}, ${v}))`);
    const meaning = schema.patternErrorMessage;
    messages.push(
      typeof meaning === 'string' ? `${meaning} (${schema.pattern})` : `matching ${schema.pattern}`,
    );
  }
  if (schema.format === 'uri') {
    // WHATWG URL parsing (zod's z.url) refuses what this refuses; an http(s) URL with a host and a valid port.
    conditions.push(`can(regex(${hclString(HTTP_URL_PATTERN)}, ${v}))`);
    messages.push('an http(s) URL with a host and a port from 0 to 65535');
  }
  if (conditions.every((c) => c === undefined)) return undefined;
  return { condition: join(conditions), message: messages.join(', ') };
}

/** An http(s) URL: a host name or bracketed IPv6 address, an optional port (0–65535), then a path. */
export const HTTP_URL_PATTERN =
  '^https?://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?|\\[[0-9A-Fa-f:.]+\\])' +
  '(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?#][^\\s]*)?$';

function numberPredicate(schema: JsonSchema, v: string): { condition: string; message: string } | undefined {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const whole = schema.type === 'integer';
  // zod writes the safe-integer bounds for an int without its own; those are no rule of ours.
  const bound = (n: number | undefined) =>
    n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : n;
  const lo = bound(min);
  const hi = bound(max);
  if (lo === undefined && hi === undefined && !whole) return undefined;
  return {
    condition: join([
      lo === undefined ? undefined : `${v} >= ${lo}`,
      hi === undefined ? undefined : `${v} <= ${hi}`,
      whole ? `floor(${v}) == ${v}` : undefined,
    ]),
    message: `${whole ? 'a whole number' : 'a number'}${lo === undefined && hi === undefined ? '' : ` ${range(lo, hi, '')}`.trimEnd()}`,
  };
}

/** The rule that an object of a union sets only the fields of one member, and all that member requires. */
function unionRule(
  node: Extract<Node, { kind: 'object' }>,
  path: string,
  collect: string,
  v: string,
): TerraformRule {
  const union = node.union;
  if (union === undefined) throw new Error(`${path}: not a union`);
  const all = node.fields.map((f) => f.name);
  const fieldsWithDefaults = new Set(node.fields.filter((f) => f.default !== undefined).map((f) => f.name));
  const memberConditions = union.members.map((m) =>
    join(
      all.map((f) => {
        if (fieldsWithDefaults.has(f)) return undefined;
        const constant = m.constants.get(f);
        if (!m.takes.has(f)) return `${v}.${f} == null`;
        if (constant !== undefined)
          return m.requires.has(f)
            ? `${v}.${f} == ${hclString(constant)}`
            : `(${v}.${f} == null || ${v}.${f} == ${hclString(constant)})`;
        return m.requires.has(f) ? `${v}.${f} != null` : undefined;
      }),
    ),
  );
  const condition = `alltrue([for ${v} in ${collect} : anytrue([${memberConditions.map((c) => `(${c})`).join(', ')}])])`;
  let message: string;
  if (union.discriminator !== undefined) {
    const d = union.discriminator;
    const nameOf = (m: Union['members'][number]) => m.constants.get(d) ?? '?';
    const names = union.members.map(nameOf);
    const partial = all.filter((f) => f !== d && !union.members.every((m) => m.takes.has(f)));
    const parts = partial.map((f) => {
      const takers = union.members.filter((m) => m.takes.has(f));
      const requiredBy = takers.filter((m) => m.requires.has(f)).map(nameOf);
      const list = takers.map(nameOf).join(', ');
      return `${f} (${list}${requiredBy.length > 0 ? `; required for ${requiredBy.join(', ')}` : ''})`;
    });
    message = `Each of ${path} sets only the fields of its ${d} (one of ${names.join(', ')}): ${parts.join('; ')}.`;
  } else {
    const shapes = union.members.map((m) => {
      const required = [...m.requires].map((f) =>
        m.constants.has(f) ? `${f} = "${m.constants.get(f)}"` : f,
      );
      const optional = [...m.takes].filter((f) => !m.requires.has(f));
      return [
        ...required,
        ...optional.map((f) =>
          m.constants.has(f) ? `optional ${f} = "${m.constants.get(f)}"` : `optional ${f}`,
        ),
      ].join(', ');
    });
    message = `Each ${path} must set the fields of exactly one of: ${shapes.map((s) => `{ ${s} }`).join(' or ')}, and no other.`;
  }
  return { condition, error_message: message };
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  const u = unit === '' ? '' : ` ${unit}`;
  if (min !== undefined && max !== undefined)
    return min === max ? `exactly ${min}${u}` : `from ${min} to ${max}${u}`;
  if (min !== undefined) return `at least ${min}${u}`;
  return `at most ${max}${u}`;
}

const join = (conditions: (string | undefined)[]) =>
  conditions.filter((c): c is string => c !== undefined).join(' && ') || 'true';

/** A quoted HCL string: JSON escapes, and template sequences (`${`, `%{`) doubled so they stay literal. */
export function hclString(text: string): string {
  return JSON.stringify(text).replaceAll('${', '$${').replaceAll('%{', '%%{');
}

function hclValue(value: unknown): string {
  if (typeof value === 'string') return hclString(value);
  if (Array.isArray(value)) return `[${value.map(hclValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k} = ${hclValue(v)}`).join(', ')} }`;
  }
  return String(value);
}

/**
 * Lines of an object type with `=` aligned as terraform fmt aligns them: within each run of one-line attributes;
 * a comment or a multi-line value ends a run.
 */
export function aligned(lines: (string | [string, string])[]): string[] {
  const out: string[] = [];
  let run: [string, string][] = [];
  const flush = () => {
    const width = Math.max(...run.map(([k]) => k.length));
    for (const [k, value] of run) out.push(`${k.padEnd(width)} = ${value}`);
    run = [];
  };
  for (const line of lines) {
    if (typeof line === 'string') {
      flush();
      out.push(line);
    } else if (line[1].includes('\n')) {
      flush();
      out.push(`${line[0]} = ${line[1]}`);
    } else run.push(line);
  }
  flush();
  return out;
}

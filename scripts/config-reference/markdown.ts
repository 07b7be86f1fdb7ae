// Reference tables of the configuration, from its JSON Schema (./json-schema.ts): one row per field, with its
// type and bounds, its default and its description.
import { omit, type JsonSchema } from './json-schema.ts';

const number = (n: number) => n.toLocaleString('en-US');

export class MarkdownTables {
  constructor(private readonly root: JsonSchema) {}

  private resolve(schema: JsonSchema): JsonSchema {
    if (schema.$ref === undefined) return schema;
    const id = schema.$ref.replace('#/$defs/', '');
    return this.resolve({ ...(this.root.$defs?.[id] ?? {}), ...omit(schema, '$ref') });
  }

  /** What a field takes, in a few words: `integer 100–60,000`, `string YYYY-…`, `one of a, b`. */
  private typeOf(raw: JsonSchema): string {
    const schema = this.resolve(raw);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives !== undefined) {
      const members = alternatives.map((m) => this.resolve(m));
      if (members.some((m) => Object.keys(m.properties ?? {}).join() === 'expr')) return 'path or `{ expr }`';
      return members.map((m) => `{ ${Object.keys(m.properties ?? {}).join(', ')} }`).join(' or ');
    }
    if (Array.isArray(schema.enum)) return (schema.enum as string[]).map((e) => `\`${e}\``).join(', ');
    const min = (schema.minimum ?? schema.minLength ?? schema.minItems) as number | undefined;
    const max = (schema.maximum ?? schema.maxLength ?? schema.maxItems) as number | undefined;
    const bounds =
      min !== undefined && max !== undefined && Math.abs(max) < Number.MAX_SAFE_INTEGER
        ? ` ${number(min)}–${number(max)}`
        : min !== undefined && Math.abs(min) < Number.MAX_SAFE_INTEGER
          ? ` ≥ ${number(min)}`
          : '';
    switch (schema.type) {
      case 'integer':
      case 'number':
        return `${schema.type}${bounds}`;
      case 'string':
        return schema.format === 'uri'
          ? 'http(s) URL'
          : `string${bounds === '' ? '' : ` (${bounds.trim()} characters)`}`;
      case 'array':
        return `list${bounds === '' ? '' : ` (${bounds.trim()})`}`;
      default:
        return schema.type ?? 'JSON';
    }
  }

  /** The table of an object's fields, e.g. `klaviyo`. */
  table(path: string): string {
    let node = this.root;
    for (const name of path.split('.')) node = this.resolve(node.properties?.[name] ?? {});
    const required = new Set(node.required ?? []);
    const rows = Object.entries(node.properties ?? {}).map(([name, raw]) => {
      const field = this.resolve(raw);
      const fallback = required.has(name)
        ? 'required'
        : field.default === undefined
          ? '—'
          : `\`${JSON.stringify(field.default)}\``;
      return `| \`${name}\` | ${this.typeOf(raw)} | ${fallback} | ${(field.description ?? '').replace(/\|/g, '\\|')} |`;
    });
    return ['| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
  }
}

// Escaping for the console's server-rendered HTML: the `html` tagged template escapes every value it is given
// unless that value is itself `html` (or `rawHtml`), so data from a webhook, a dead letter or a mapping can never
// become markup. Pages build their bodies with it; the layout wraps them.
import type { ConsolePage } from './route.ts';

/** Markup that is already safe: made by `html` (its values escaped) or declared so by `rawHtml`. */
export class SafeHtml {
  constructor(private readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** A value placed into markup: nested html as it is, lists joined, nothing for null/undefined/false, the rest escaped. */
function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return escapeHtml(String(value));
  return escapeHtml(JSON.stringify(value) ?? '');
}

/** `html\`<p>${text}</p>\``: the template's literal parts as written, every value escaped (see render). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

/** Markup the caller vouches for (e.g. an SVG the console drew from numbers); never pass data through this. */
export function rawHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A page for a route to answer: its title and its body made with `html`. */
export function page(title: string, body: SafeHtml): { page: ConsolePage } {
  return { page: { title, body: body.toString() } };
}

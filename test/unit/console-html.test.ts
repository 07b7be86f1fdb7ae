// The console's escaping template: data never becomes markup; nested html and lists compose.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, rawHtml } from '../../cli/console/html.ts';
import { currentSection, layout } from '../../cli/console/layout.ts';

/** Markup without the whitespace prettier puts between tags and inside them. */
const squash = (markup: string) =>
  markup
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .replace(/\s+>/g, '>')
    .replace(/<\/(\w+)\s+>/g, '</$1>');

describe('console html', () => {
  it('escapes every value', () => {
    const evil = `<script>alert("x")</script>' &`;
    expect(html`<p title="${evil}">${evil}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp;</p>',
    );
    expect(escapeHtml('a<b')).toBe('a&lt;b');
  });

  it('keeps nested html and joins lists; drops null, undefined and false', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`);
    const list = html`<ul>
      ${items}
    </ul>`;
    expect(squash(list.toString())).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.toString()).toBe('0');
    expect(html`${rawHtml('<svg></svg>')}`.toString()).toBe('<svg></svg>');
    expect(html`${{ a: '<' }}`.toString()).toBe('{&quot;a&quot;:&quot;&lt;&quot;}');
  });
});

describe('console layout', () => {
  it('marks the current page, escapes the title and offers a skip link', () => {
    const document = squash(
      layout({
        page: { title: 'Dead <letters>', body: '<p>body</p>' },
        path: '/dead-letters/deliver/1',
        stackFile: '.local/stack.json',
      }),
    );
    expect(document).toContain('<a href="/dead-letters" aria-current="page">Dead letters</a>');
    expect(document).toContain('<a href="/">Overview</a>');
    expect(document).toContain('<h1>Dead &lt;letters&gt;</h1>');
    expect(document).toContain('<a class="skip-link" href="#main">');
    expect(document).toContain('<main id="main"');
    expect(currentSection('/')).toBe('/');
    expect(currentSection('/webhooks/shopify/abc')).toBe('/webhooks');
  });
});

// The frame around every console page: the document head (styles from /assets, no CDN, so it works offline),
// a skip link, the navigation between the pages (the current one marked for assistive technology), and the
// page's title as the <h1> and its body in <main>. Pages render only their content (route.ts), without an <h1>;
// server.ts calls this.
import { html, rawHtml, type SafeHtml } from './html.ts';
import type { ConsolePage } from './route.ts';

/** The console's pages in navigation order; each page module's route uses this path. */
export const NAVIGATION: readonly { label: string; path: string }[] = [
  { label: 'Overview', path: '/' },
  { label: 'Webhooks', path: '/webhooks' },
  { label: 'Dead letters', path: '/dead-letters' },
  { label: 'Replay', path: '/replay' },
  { label: 'Playground', path: '/playground' },
];

/** The navigation entry a path belongs to: itself, or the entry it sits under (`/webhooks/x` → Webhooks). */
export function currentSection(path: string): string | undefined {
  const matches = NAVIGATION.filter(
    (entry) => path === entry.path || (entry.path !== '/' && path.startsWith(`${entry.path}/`)),
  );
  return matches.at(-1)?.path;
}

export interface LayoutInput {
  page: ConsolePage;
  /** The request's path, to mark the current page in the navigation. */
  path: string;
  /** What the console is looking at (the stack file), shown in the header. */
  stackFile: string;
}

function navigation(path: string): SafeHtml {
  const current = currentSection(path);
  return html`<nav aria-label="Console pages">
    <ul>
      ${NAVIGATION.map(
        (entry) =>
          html`<li>
            <a href="${entry.path}" ${entry.path === current ? rawHtml(' aria-current="page"') : ''}
              >${entry.label}</a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}

/** The whole HTML document for a page. */
export function layout({ page, path, stackFile }: LayoutInput): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${page.title} · relay console</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <p class="brand"><a href="/">klaviyo-webhook-relay console</a></p>
          <p class="stack">Stack: <code>${stackFile}</code></p>
          ${navigation(path)}
        </header>
        <main id="main" tabindex="-1">
          <h1>${page.title}</h1>
          ${rawHtml(page.body)}
        </main>
      </body>
    </html> `.toString();
}

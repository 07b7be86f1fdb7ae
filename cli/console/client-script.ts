// The console's only script, served as /assets/console.js, and optional: pages work without it. An element with
// data-live="<url>" and data-every="<seconds>" is refreshed in place from that URL (a JSON answer { html }) while
// the page is open, so the Overview stays live without a client framework or a bundle. Kept as a string here so
// the console ships as the CLI's TypeScript and nothing else.
export const CLIENT_SCRIPT = `"use strict";
for (const element of document.querySelectorAll('[data-live]')) {
  const seconds = Number(element.getAttribute('data-every') || '5');
  const refresh = async () => {
    try {
      const response = await fetch(element.getAttribute('data-live'), { headers: { accept: 'application/json' } });
      if (!response.ok) return;
      const answer = await response.json();
      if (typeof answer.html === 'string') element.innerHTML = answer.html;
      element.setAttribute('data-refreshed', String(Date.now()));
    } catch {
      // The console may have stopped; the page keeps what it last showed.
    }
  };
  setInterval(refresh, seconds * 1000);
}
`;

// A small inline SVG line of a series' samples over the last hour: drawn from numbers only, so it is safe markup.
import { rawHtml, type SafeHtml } from '../html.ts';

const WIDTH = 240;
const HEIGHT = 36;

/** `points`: [time ms, value] pairs, oldest first; `from`/`to` the window the x axis spans. */
export function sparkline(
  points: readonly (readonly [number, number])[],
  from: number,
  to: number,
  label: string,
): SafeHtml {
  const max = Math.max(1, ...points.map(([, value]) => value));
  const span = Math.max(1, to - from);
  const coordinates = points
    .map(([time, value]) => {
      const x = ((time - from) / span) * WIDTH;
      const y = HEIGHT - 2 - (value / max) * (HEIGHT - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  // The label is the only text: escaped by hand, since rawHtml takes markup as it is.
  const title = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return rawHtml(
    `<svg class="spark" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${title}"><title>${title}</title><polyline points="${coordinates}"/></svg>`,
  );
}

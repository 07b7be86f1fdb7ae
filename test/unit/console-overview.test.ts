// The Overview's samples keep the last hour only, and its charts are markup drawn from numbers with the label escaped.
import { describe, expect, it } from 'vitest';
import { Samples, WINDOW_MS } from '../../cli/console/overview/samples.ts';
import { seriesOf } from '../../cli/console/overview/snapshot.ts';
import { sparkline } from '../../cli/console/overview/sparkline.ts';

describe('console overview', () => {
  it('keeps samples of the last hour only', () => {
    const samples = new Samples();
    samples.add({ at: 0, values: { a: 1 } });
    samples.add({ at: WINDOW_MS / 2, values: { a: 2, b: 5 } });
    samples.add({ at: WINDOW_MS + 1, values: { a: 3 } });
    expect(samples.series('a')).toEqual([
      [WINDOW_MS / 2, 2],
      [WINDOW_MS + 1, 3],
    ]);
    expect(samples.series('b')).toEqual([[WINDOW_MS / 2, 5]]);
  });

  it('names a series for every queue key the stack has, not a fixed list', () => {
    const values = seriesOf({
      at: 0,
      queues: [
        { key: 'deliver-profiles', kind: 'queue', waiting: 2, inFlight: 1, delayed: 1 },
        { key: 'deliver-profiles', kind: 'dlq', waiting: 3, inFlight: 0, delayed: 0 },
      ],
      counters: { webhooks: { accepted: 4 }, klaviyoEvents: 2 },
    });
    expect(values).toEqual({
      'queue:deliver-profiles': 4,
      'dlq:deliver-profiles': 3,
      'webhooks:accepted': 4,
      'klaviyo:events': 2,
    });
  });

  it('draws a line, a dot for one sample, and escapes its label', () => {
    const line = sparkline(
      [
        [0, 0],
        [10, 4],
      ],
      0,
      10,
      'a <b>',
    ).toString();
    expect(line).toContain('<polyline points="0.0,34.0 240.0,2.0"/>');
    expect(line).toContain('aria-label="a &#60;b&#62;"');
    expect(sparkline([[5, 1]], 0, 10, 'one').toString()).toContain('<circle cx="120.0" cy="2.0" r="2"/>');
  });
});

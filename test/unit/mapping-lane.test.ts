import { describe, expect, it } from 'vitest';
import { createMappingLane } from '../../functions/hydrate/mapping-lane.ts';

describe('the mapping lane', () => {
  it('runs one mapping at a time, in the order they came, a failure not blocking the next', async () => {
    const lane = createMappingLane();
    const log: string[] = [];
    let running = 0;
    const work = (name: string, fail = false) =>
      lane(async () => {
        running += 1;
        log.push(`${name} starts with ${running} running`);
        // Several turns of the event loop, as a JSONata evaluation takes.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        running -= 1;
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([work('a'), work('b', true), work('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['a starts with 1 running', 'b starts with 1 running', 'c starts with 1 running']);
  });

  it('lets due timers run between two mappings (the stage’s deadline can then stop the next)', async () => {
    const lane = createMappingLane();
    const controller = new AbortController();
    let started = false;
    const first = lane(() => {
      // Due at once, as the deadline of a record still waiting would be.
      setTimeout(() => controller.abort(new Error('out of time')), 0);
      return Promise.resolve('first');
    });
    const second = lane(() => {
      started = true;
      return Promise.resolve('second');
    }, controller.signal);
    expect(await first).toBe('first');
    await expect(second).rejects.toThrow('out of time');
    expect(started).toBe(false);
  });

  it('does not start a mapping whose record ran out of time while it waited', async () => {
    const lane = createMappingLane();
    const controller = new AbortController();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = lane(() => held);
    let started = false;
    const second = lane(() => {
      started = true;
      return Promise.resolve();
    }, controller.signal);
    controller.abort(new Error('out of time'));
    release();
    await first;
    await expect(second).rejects.toThrow('out of time');
    expect(started).toBe(false);
  });
});

// One rule for every request that carries many messages (bulk events, consent jobs, profile import jobs): the rows a
// refusal names are dead-lettered and the rest go again, up to MAX_REFUSAL_ROUNDS; a refusal naming none (or rounds
// run out) sends each message alone. Each writer's own tests cover its pointers; this covers the rule, and its option
// for jobs of rows (consent, records), where a job of one row is that row's verdict and "alone" is a job each.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger.ts';
import type { RecordOutcome } from '../../functions/shared/stage/stage-options.ts';
import { KlaviyoRejection } from '../../functions/deliver/klaviyo-client.ts';
import { handleRefusal, MAX_REFUSAL_ROUNDS } from '../../functions/deliver/refused-rows.ts';

const log = createLogger('deliver');
const ports = { counters: { count: () => undefined }, log, logOf: () => log };
const refusal = (pointer?: string) =>
  new KlaviyoRejection(
    'refused',
    'klaviyo_rejected',
    400,
    [{ source: pointer ? { pointer } : {} }],
    undefined,
  );

function harness(blamedIds: readonly string[] | undefined) {
  const calls: string[] = [];
  const outcomes = new Map<string, RecordOutcome>();
  const handling = {
    what: 'test job',
    blamed: () => blamedIds,
    resend: (ids: readonly string[], round: number) => {
      calls.push(`resend ${ids.join(',')} @${round}`);
      return Promise.resolve();
    },
    alone: (ids: readonly string[]) => {
      calls.push(`alone ${ids.join(',')}`);
      return Promise.resolve();
    },
  };
  return {
    calls,
    outcomes,
    run: (ids: string[], round: number) =>
      handleRefusal(ids, refusal('/x'), round, handling, ports, outcomes),
  };
}

describe('handleRefusal', () => {
  it('dead-letters the named rows and sends the rest again, in the next round', async () => {
    const h = harness(['b']);
    await h.run(['a', 'b', 'c'], 0);
    expect(h.outcomes.get('b')?.kind).toBe('dead-letter');
    expect([...h.outcomes.keys()]).toEqual(['b']);
    expect(h.calls).toEqual(['resend a,c @1']);
  });

  it('sends each message alone when the refusal names none, or names a message not in the request', async () => {
    for (const blamed of [undefined, [], ['elsewhere']]) {
      const h = harness(blamed);
      await h.run(['a', 'b'], 0);
      expect(h.outcomes.size).toBe(0);
      expect(h.calls).toEqual(['alone a,b']);
    }
  });

  it('sends each alone once the rounds run out, dead-lettering nothing on a guess', async () => {
    const h = harness(['a']);
    await h.run(['a', 'b'], MAX_REFUSAL_ROUNDS);
    expect(h.outcomes.size).toBe(0);
    expect(h.calls).toEqual(['alone a,b']);
  });

  it('sends nothing again when every row is named', async () => {
    const h = harness(['a', 'b']);
    await h.run(['a', 'b'], 0);
    expect([...h.outcomes.values()].map((o) => o.kind)).toEqual(['dead-letter', 'dead-letter']);
    expect(h.calls).toEqual([]);
  });
});

describe('handleRefusal with rowJobs (a job of one row is its verdict; alone is a job each)', () => {
  function rowJobsHarness(blamedIds: readonly string[] | undefined) {
    const calls: string[] = [];
    const outcomes = new Map<string, RecordOutcome>();
    const handling = {
      what: 'test job',
      blamed: () => blamedIds,
      rowJobs: {
        send: (ids: readonly string[], round: number) => {
          calls.push(`job ${ids.join(',')} @${round}`);
          return Promise.resolve();
        },
        maxInFlight: 4,
      },
    };
    return {
      calls,
      outcomes,
      run: (ids: string[], round: number) =>
        handleRefusal(ids, refusal('/x'), round, handling, ports, outcomes),
    };
  }

  it('dead-letters the row of a refused job of one, whatever the pointer names and in any round', async () => {
    for (const [blamed, round] of [
      [undefined, 0],
      [['elsewhere'], 1],
      [[], MAX_REFUSAL_ROUNDS],
    ] as const) {
      const h = rowJobsHarness(blamed);
      await h.run(['a'], round);
      expect([...h.outcomes]).toEqual([['a', expect.objectContaining({ kind: 'dead-letter' })]]);
      expect(h.calls).toEqual([]);
    }
  });

  it('sends each message in a job of its own, from round 0, when the refusal names no row', async () => {
    const h = rowJobsHarness(undefined);
    await h.run(['a', 'b', 'c'], 1);
    expect(h.outcomes.size).toBe(0);
    expect(h.calls.toSorted()).toEqual(['job a @0', 'job b @0', 'job c @0']);
  });

  it('dead-letters the named rows and sends the rest in one new job, in the next round', async () => {
    const h = rowJobsHarness(['b']);
    await h.run(['a', 'b', 'c'], 0);
    expect([...h.outcomes.keys()]).toEqual(['b']);
    expect(h.calls).toEqual(['job a,c @1']);
  });
});

// Bulk Create Events: packing (never one unique_id twice in a request), and what happens when Klaviyo refuses
// a bulk request — only the events it names go to the DLQ, the others still get through.
import { describe, expect, it } from 'vitest';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { RetryableError } from '../../functions/shared/stage/errors.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { idsAtPointer, planBulkRequests, type BulkItem } from '../../functions/deliver/bulk-plan.ts';
import { deliverBulk } from '../../functions/deliver/deliver-bulk.ts';
import { KlaviyoRejection, type KlaviyoClient } from '../../functions/deliver/klaviyo-client.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

const items = (n: number, from = 0): BulkItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `m${from + i}`, event: eventFixture(from + i) }));

const uniqueIdsOf = (body: unknown) =>
  (
    body as {
      data: {
        attributes: {
          'events-bulk-create': {
            data: { attributes: { events: { data: { attributes: { unique_id: string } }[] } } }[];
          };
        };
      };
    }
  ).data.attributes['events-bulk-create'].data.flatMap((e) =>
    e.attributes.events.data.map((d) => d.attributes.unique_id),
  );

describe('planBulkRequests', () => {
  it('fills requests up to 1,000 events', () => {
    const plan = planBulkRequests(items(2_500));
    expect(plan.requests.map((r) => r.all.length)).toEqual([1_000, 1_000, 500]);
  });

  it('stays under the byte limit', () => {
    const big = items(40).map(({ id, event }) => ({
      id,
      event: { ...event, properties: { blob: 'x'.repeat(90_000) } },
    }));
    const plan = planBulkRequests(big, { maxBytes: 1_000_000 });
    expect(plan.requests.length).toBeGreaterThan(3);
    for (const r of plan.requests) expect(Buffer.byteLength(JSON.stringify(r.body))).toBeLessThan(1_000_000);
  });

  it('sends an exact repeat once; it follows the outcome of the copy that is sent', () => {
    const batch = [...items(5), { id: 'again', event: eventFixture(3) }];
    const plan = planBulkRequests(batch);
    expect(plan.requests).toHaveLength(1);
    expect(plan.followers.get('again')).toBe('m3');
    expect(uniqueIdsOf(plan.requests[0]?.body)).toHaveLength(5);
  });

  it('never puts one unique_id twice in a request, even for different events', () => {
    const clash = { id: 'clash', event: eventFixture(3, { metric: 'Refunded Order' }) };
    const plan = planBulkRequests([...items(5), clash]);
    expect(plan.requests).toHaveLength(2);
    for (const r of plan.requests) {
      const ids = uniqueIdsOf(r.body);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(plan.requests[1]?.all).toEqual(['clash']);
  });

  it('finds the message an error pointer names', () => {
    const [request] = planBulkRequests(items(14)).requests;
    if (!request) throw new Error('no request');
    // Entries follow profiles in first-seen order: entry 2 is user2, whose events are m2 and m9.
    expect(
      idsAtPointer(
        request,
        '/data/attributes/events-bulk-create/data/2/attributes/events/data/1/attributes/time',
      ),
    ).toEqual(['m9']);
    expect(
      idsAtPointer(request, '/data/attributes/events-bulk-create/data/2/attributes/profile/data/attributes'),
    ).toEqual(['m2', 'm9']);
    expect(idsAtPointer(request, '/data/attributes/events-bulk-create/data/99')).toBeUndefined();
    expect(idsAtPointer(request, '/data')).toBeUndefined();
  });
});

/** A Klaviyo stand-in: answers each call with the next scripted outcome (202 when the script runs out). */
function scriptedKlaviyo(script: ((path: string, body: unknown) => Error | undefined)[]) {
  const calls: { path: string; body: unknown }[] = [];
  const klaviyo: KlaviyoClient = {
    post(path, body) {
      calls.push({ path, body });
      const error = script.shift()?.(path, body);
      return error ? Promise.reject(error) : Promise.resolve(new Response(null, { status: 202 }));
    },
  };
  return { klaviyo, calls };
}

const rejection = (pointer: string | undefined) =>
  new KlaviyoRejection(
    'POST answered 400',
    'klaviyo_400',
    400,
    [{ code: 'invalid', detail: 'bad time', ...(pointer ? { source: { pointer } } : {}) }],
    [{ code: 'invalid', detail: 'bad time', source: { pointer } }],
  );

function bulkPorts(klaviyo: KlaviyoClient) {
  const counts: Record<string, number> = {};
  const log = createLogger('deliver');
  return {
    counts,
    ports: {
      klaviyo,
      counters: { count: (name: string, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
      deadline: Number.POSITIVE_INFINITY,
      log,
      logOf: () => log,
      maxInFlight: 4,
      settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' } }),
    },
  };
}

describe('deliverBulk', () => {
  it('delivers a whole batch in one call', async () => {
    const { klaviyo, calls } = scriptedKlaviyo([]);
    const { ports, counts } = bulkPorts(klaviyo);
    const outcomes = await deliverBulk(items(50), ports);
    expect(calls.map((c) => c.path)).toEqual(['/api/event-bulk-create-jobs']);
    expect([...outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(counts.delivered).toBe(50);
  });

  it('a 400 naming one event dead-letters that event alone and resends the rest', async () => {
    const { klaviyo, calls } = scriptedKlaviyo([
      () => rejection('/data/attributes/events-bulk-create/data/2/attributes/events/data/1/attributes/time'),
    ]);
    const { ports } = bulkPorts(klaviyo);
    const outcomes = await deliverBulk(items(30), ports);
    expect(outcomes.get('m9')).toMatchObject({ kind: 'dead-letter', error: { reason: 'klaviyo_400' } });
    const others = [...outcomes].filter(([id]) => id !== 'm9');
    expect(others).toHaveLength(29);
    expect(others.every(([, o]) => o.kind === 'done')).toBe(true);
    expect(calls).toHaveLength(2);
    expect(uniqueIdsOf(calls[1]?.body)).not.toContain('demo:d-9');
    expect(uniqueIdsOf(calls[1]?.body)).toHaveLength(29);
  });

  it('a 400 that names no event falls back to one Create Event per event', async () => {
    const { klaviyo, calls } = scriptedKlaviyo([
      () => rejection(undefined),
      // The singles: the fourth is invalid on its own.
      () => undefined,
      () => undefined,
      () => undefined,
      () => rejection('/data/attributes/time'),
    ]);
    const { ports } = bulkPorts({ post: (p, b, o) => klaviyo.post(p, b, o) });
    ports.maxInFlight = 1;
    const outcomes = await deliverBulk(items(5), ports);
    expect(calls.map((c) => c.path)).toEqual([
      '/api/event-bulk-create-jobs',
      ...Array<string>(5).fill('/api/events'),
    ]);
    expect([...outcomes.values()].filter((o) => o.kind === 'dead-letter')).toHaveLength(1);
    expect([...outcomes.values()].filter((o) => o.kind === 'done')).toHaveLength(4);
  });

  it('429, auth failures and 5xx leave every event of the request to retry', async () => {
    for (const error of [
      new RetryableError('429', 'klaviyo_throttled', 7),
      new RetryableError('401', 'klaviyo_auth'),
      new RetryableError('503', 'klaviyo_503'),
    ]) {
      const { klaviyo } = scriptedKlaviyo([() => error]);
      const { ports, counts } = bulkPorts(klaviyo);
      const outcomes = await deliverBulk(items(40), ports);
      expect(outcomes.size).toBe(40);
      expect([...outcomes.values()].every((o) => o.kind === 'retry' && o.error === error)).toBe(true);
      if (error.reason === 'klaviyo_throttled') expect(counts.throttled).toBe(1);
      if (error.reason === 'klaviyo_auth') expect(counts.klaviyo_auth_failed).toBe(1);
    }
  });
});

// The dedupe state machine against a real DynamoDB API (dynalite).
import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDedupeStore } from '../../functions/ingest/dedupe-store.ts';
import { useLocalAws } from '../helpers/local-aws.ts';

const aws = useLocalAws();
const settings = { leaseSeconds: 60, ttlSeconds: 7 * 86_400 };

describe('dedupe store', () => {
  const store = () => createDynamoDedupeStore(aws().dynamodb, aws().tableName);
  const claim = (key: string, nowSeconds: number, token: string = randomUUID()) =>
    store().claim({ key, token, nowSeconds, ...settings });
  // What ingest does after its enqueue succeeded (functions/ingest/accept-webhook.ts).
  const markDone = (key: string, token: string, nowSeconds: number) =>
    store().confirmAll([{ key, token, expiresAtSeconds: nowSeconds + settings.ttlSeconds }]);

  it('offers claim, confirmAll and release only: no single-item confirm that needs dynamodb:UpdateItem', () => {
    expect(Object.keys(store()).sort()).toEqual(['claim', 'confirmAll', 'release']);
  });

  it('claims once; a confirmed delivery is then a duplicate', async () => {
    expect(await claim('s#1', 1000, 't1')).toBe('claimed');
    expect(await markDone('s#1', 't1', 1000)).toEqual([]);
    expect(await claim('s#1', 1001)).toBe('duplicate');
  });

  it('reports in_progress while another request holds the lease, and lets a retry through after it', async () => {
    expect(await claim('s#2', 1000, 'holder')).toBe('claimed');
    expect(await claim('s#2', 1030)).toBe('in_progress');
    expect(await claim('s#2', 1061, 'retry')).toBe('claimed');
  });

  it('a released claim lets the retry through at once', async () => {
    expect(await claim('s#3', 1000, 'a')).toBe('claimed');
    await store().release('s#3', 'a');
    expect(await claim('s#3', 1001, 'b')).toBe('claimed');
  });

  it('only the token holder can release', async () => {
    expect(await claim('s#4', 1000, 'owner')).toBe('claimed');
    await store().release('s#4', 'intruder');
    expect(await claim('s#4', 1001)).toBe('in_progress');
  });

  it('treats an item past its TTL as absent (TTL deletion lags)', async () => {
    expect(await claim('s#5', 1000, 'a')).toBe('claimed');
    expect(await markDone('s#5', 'a', 1000)).toEqual([]);
    expect(await claim('s#5', 1000 + settings.ttlSeconds + 1)).toBe('claimed');
  });

  it('lets exactly one of many concurrent claims through', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => claim('s#race', 5000)));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'in_progress')).toHaveLength(19);
  });

  it('keeps when it was claimed on the done record, for relay trace', async () => {
    expect(await claim('s#6', 1000, 'a')).toBe('claimed');
    const confirmed = await store().confirmAll([
      { key: 's#6', token: 'a', expiresAtSeconds: 1000 + settings.ttlSeconds, claimedAtSeconds: 1000 },
    ]);
    expect(confirmed).toEqual([]);
    const { Item } = await aws().dynamodb.send(
      new GetItemCommand({ TableName: aws().tableName, Key: { pk: { S: 's#6' } }, ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ status: { S: 'done' }, claimed_at: { N: '1000' } });
  });
});

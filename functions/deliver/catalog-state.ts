// A catalog row is state (ADR 0033): per entity, the newest write by `as_of` (the product's own version) wins.
// Its key in the state store is the entity kind and its external id, hashed like a profile's
// (`STATE#catalog:item#<sha256>`); within one batch only the newest write per entity goes on, so two writes of one
// product never race each other in one invocation (Klaviyo does not promise to run a job's rows in order).
import { createHash } from 'node:crypto';
import type { KlaviyoCatalogV1 } from '../shared/stage/contracts.ts';
import { STATE_KEY_PREFIX } from './state-versions.ts';

export function catalogStateKey(message: Pick<KlaviyoCatalogV1, 'entity' | 'external_id'>): string {
  const hash = createHash('sha256').update(message.external_id).digest('hex');
  return `${STATE_KEY_PREFIX}catalog:${message.entity}#${hash}`;
}

/**
 * Splits a batch's catalog writes into the newest per entity (which go on) and the rest (older than one in the
 * same batch: stale). Of writes with the same `as_of`, the later in the batch wins, as it would had they come apart.
 */
export function newestPerEntity<T extends { message: KlaviyoCatalogV1 }>(
  items: readonly T[],
): { newest: T[]; older: T[] } {
  const best = new Map<string, T>();
  for (const item of items) {
    const key = catalogStateKey(item.message);
    const held = best.get(key);
    if (!held || Date.parse(held.message.as_of) <= Date.parse(item.message.as_of)) best.set(key, item);
  }
  const winners = new Set(best.values());
  return {
    newest: items.filter((item) => winners.has(item)),
    older: items.filter((item) => !winners.has(item)),
  };
}

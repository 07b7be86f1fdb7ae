// A catalog row is state (ADR 0033): per entity, the newest write by `as_of` (the product's own version) wins.
// Its key in the state store is the entity kind and its external id, hashed like a profile's
// (`STATE#catalog:item#<sha256>`); the key, with the row's version, is also what picks the newest write per entity
// within one batch (newest-in-batch.ts, as for profiles and consent).
import { createHash } from 'node:crypto';
import type { KlaviyoCatalogV1 } from '../shared/stage/contracts.ts';
import type { WriteState } from './newest-in-batch.ts';
import { STATE_KEY_PREFIX } from './state-versions.ts';

export function catalogStateKey(message: Pick<KlaviyoCatalogV1, 'entity' | 'external_id'>): string {
  const hash = createHash('sha256').update(message.external_id).digest('hex');
  return `${STATE_KEY_PREFIX}catalog:${message.entity}#${hash}`;
}

/** A catalog write's state for newestInBatch: its entity's key, versioned by `as_of`. */
export function catalogWriteState(message: KlaviyoCatalogV1): WriteState {
  return { keys: [catalogStateKey(message)], version: new Date(message.as_of) };
}

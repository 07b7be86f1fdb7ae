// What the mock has recorded of back-in-stock subscriptions: one per profile and catalog variant, its channels
// the union of every request's, so a test sees at once whether a resent subscription added a second one.
import type { RecordedBackInStockSubscription } from './types-back-in-stock.ts';

export class BackInStockStore {
  private subscriptions = new Map<string, RecordedBackInStockSubscription>(); // `${profile}\u0000${variant}`

  /** Records a subscription; answers whether the profile was already subscribed to the variant. */
  subscribe(profileId: string, variantId: string, channels: readonly string[], now: number): boolean {
    const key = `${profileId}\u0000${variantId}`;
    const before = this.subscriptions.get(key);
    const stamp = new Date(now).toISOString();
    this.subscriptions.set(key, {
      profileId,
      variantId,
      channels: [...new Set([...(before?.channels ?? []), ...channels])],
      writes: (before?.writes ?? 0) + 1,
      created: before?.created ?? stamp,
      updated: stamp,
    });
    return before !== undefined;
  }

  list(): RecordedBackInStockSubscription[] {
    return structuredClone([...this.subscriptions.values()]);
  }

  reset(): void {
    this.subscriptions.clear();
  }
}

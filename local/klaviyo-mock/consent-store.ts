// What the mock has recorded of marketing consent and list membership: per profile and channel, the state
// the last write left (subscribed or unsubscribed, consented-at, historical import), every write in the order
// applied, and which profiles each list holds. Klaviyo's rule for unsubscribing is modelled here: a profile in
// the named list leaves that list; a profile not in it (or with no list named) is unsubscribed from the
// channel altogether (`scope: 'global'`).
import type {
  ConsentChange,
  ConsentChannel,
  RecordedConsent,
  RecordedListMembers,
  UnsubscribeScope,
} from './types-jobs.ts';

/** One consent write for one profile and channel, before the store stamps it. */
export interface ConsentWrite {
  via: ConsentChange['via'];
  jobId: string;
  profileId: string;
  email: string | null;
  phone_number: string | null;
  channel: ConsentChannel;
  listId: string | null;
  /** Subscribe only. */
  consentedAt?: string | null;
  historicalImport?: boolean;
  customSource?: string | null;
}

/** The profile's identifiers now, for the consent listing. */
export type IdentifiersOf = (profileId: string) => { email: string | null; phone_number: string | null };

export class ConsentStore {
  private states = new Map<string, Omit<RecordedConsent, 'listIds' | 'email' | 'phone_number'>>();
  private changeList: ConsentChange[] = [];
  private members = new Map<string, string[]>(); // list id → profile ids

  /** Records a subscribe: the channel is subscribed and, with a list, the profile joins it. */
  subscribe(write: ConsentWrite, now: number): ConsentChange {
    if (write.listId !== null) this.addToList(write.listId, write.profileId);
    return this.apply(write, 'subscribed', null, now);
  }

  /** Records an unsubscribe, with Klaviyo's rule for a profile outside the named list. */
  unsubscribe(write: ConsentWrite, now: number): ConsentChange {
    const list = write.listId === null ? undefined : this.members.get(write.listId);
    const inList = list?.includes(write.profileId) === true;
    if (list && inList) list.splice(list.indexOf(write.profileId), 1);
    return this.apply(write, 'unsubscribed', inList ? 'list' : 'global', now);
  }

  addToList(listId: string, profileId: string): void {
    const list = this.members.get(listId) ?? [];
    if (!list.includes(profileId)) list.push(profileId);
    this.members.set(listId, list);
  }

  consent(identifiers: IdentifiersOf): RecordedConsent[] {
    return [...this.states.values()].map((state) => ({
      ...structuredClone(state),
      ...identifiers(state.profileId),
      listIds: this.listsOf(state.profileId),
    }));
  }

  changes(): ConsentChange[] {
    return structuredClone(this.changeList);
  }

  lists(): RecordedListMembers[] {
    return [...this.members].map(([listId, profileIds]) => ({ listId, profileIds: [...profileIds] }));
  }

  reset(): void {
    this.states.clear();
    this.changeList = [];
    this.members.clear();
  }

  private listsOf(profileId: string): string[] {
    return [...this.members].filter(([, ids]) => ids.includes(profileId)).map(([id]) => id);
  }

  private apply(
    write: ConsentWrite,
    state: RecordedConsent['state'],
    scope: UnsubscribeScope | null,
    now: number,
  ): ConsentChange {
    const stamp = new Date(now).toISOString();
    const subscribed = state === 'subscribed';
    const change: ConsentChange = {
      via: write.via,
      jobId: write.jobId,
      profileId: write.profileId,
      email: write.email,
      phone_number: write.phone_number,
      channel: write.channel,
      state,
      listId: write.listId,
      consentedAt: subscribed ? (write.consentedAt ?? null) : null,
      historicalImport: subscribed && write.historicalImport === true,
      scope,
      customSource: write.customSource ?? null,
      receivedAt: stamp,
    };
    this.changeList.push(change);
    const key = `${write.profileId}\u0000${write.channel}`;
    // Map order is first-write order: deleting first would move the entry to the end.
    this.states.set(key, {
      profileId: write.profileId,
      channel: write.channel,
      state,
      consentedAt: change.consentedAt,
      historicalImport: change.historicalImport,
      scope,
      updated: stamp,
    });
    return structuredClone(change);
  }
}

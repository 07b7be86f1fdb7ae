// Which of a replayed webhook's messages are state writes, left out unless the operator asked for them
// (`relay replay --with-profiles`, the copy's `replay.profiles`): profile upserts, consent and catalog rows,
// custom-object records (which carry no version: a replayed record overwrites the record with the old webhook's data)
// and back-in-stock subscriptions (a replay would subscribe again someone already told). Events are re-fed
// (as backfill); state is not put back from an old webhook unless asked, and then deliver still skips a write older
// than one the relay already made (docs/adr/0026-replay-and-state-writes.md, docs/adr/0030-consent-as-state.md).
import type { DeliverMessage } from '../shared/stage/contracts.ts';

export function isStateWrite(message: DeliverMessage): boolean {
  return (
    message.type === 'klaviyo.profile-upsert' ||
    message.type === 'klaviyo.consent' ||
    message.type === 'klaviyo.catalog' ||
    message.type === 'klaviyo.record' ||
    message.type === 'klaviyo.back-in-stock'
  );
}

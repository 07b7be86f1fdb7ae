// What deliver's queue carries: any of hydrate's messages, told apart by `type` (functions/deliver/unknown-kinds.ts
// lists the type and version pairs).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { klaviyoBackInStockV1Schema } from './back-in-stock.ts';
import { klaviyoCatalogV1Schema } from './catalog.ts';
import { klaviyoEventSchema } from './events.ts';
import { klaviyoConsentV1Schema, klaviyoProfileUpsertV1Schema } from './profile-state.ts';
import { klaviyoRecordV1Schema } from './records.ts';

/** hydrate → deliver: any one message of deliver's queue. */
export const deliverMessageSchema = memo(() =>
  z.discriminatedUnion('type', [
    klaviyoEventSchema(),
    klaviyoProfileUpsertV1Schema(),
    klaviyoConsentV1Schema(),
    klaviyoCatalogV1Schema(),
    klaviyoRecordV1Schema(),
    klaviyoBackInStockV1Schema(),
  ]),
);
export type DeliverMessage = z.infer<ReturnType<typeof deliverMessageSchema>>;

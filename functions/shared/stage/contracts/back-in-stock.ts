// hydrate → deliver: the back-in-stock subscription message (klaviyo.back-in-stock).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { profileIdentifiersSchema, trace } from './fields.ts';

/** The channels a back-in-stock subscription names (Klaviyo's `EMAIL`, `SMS`). */
export const BACK_IN_STOCK_CHANNELS = ['EMAIL', 'SMS'] as const;

/**
 * hydrate → deliver: one profile's back-in-stock subscription to one catalog variant (Klaviyo's Create Back In
 * Stock Subscription), on email and/or SMS. The variant is named by its external id, as the catalog sync wrote it
 * (`$custom:::$default:::<variant_external_id>`). Subscribing again to the same variant is harmless.
 */
export const klaviyoBackInStockV1Schema = memo(() =>
  z
    .strictObject({
      type: z.literal('klaviyo.back-in-stock'),
      version: z.literal(1),
      ...trace(),
      profile: profileIdentifiersSchema(),
      variant_external_id: z.string().check(z.minLength(1), z.maxLength(255)),
      channels: z.array(z.enum(BACK_IN_STOCK_CHANNELS)).check(z.minLength(1), z.maxLength(2)),
    })
    .check(
      z.refine((m) => new Set(m.channels).size === m.channels.length, {
        message: 'each channel at most once',
      }),
    ),
);
export type KlaviyoBackInStockV1 = z.infer<ReturnType<typeof klaviyoBackInStockV1Schema>>;

// The presets by name: data, one file per sender (docs/adr/0018-presets.md).
import type { PresetName } from '../preset-names.ts';
import type { Preset } from './preset.ts';
import { bigcommercePreset } from './bigcommerce.ts';
import { shopifyPreset } from './shopify.ts';
import { stripePreset } from './stripe.ts';
import { woocommercePreset } from './woocommerce.ts';
import { zendeskPreset } from './zendesk.ts';

export { PRESET_NAMES, PRESET_KINDS, type PresetName } from '../preset-names.ts';

export const PRESETS: Record<PresetName, Preset> = {
  shopify: shopifyPreset,
  bigcommerce: bigcommercePreset,
  stripe: stripePreset,
  woocommerce: woocommercePreset,
  zendesk: zendeskPreset,
};

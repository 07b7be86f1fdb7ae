// The presets by name: data, one file per sender (docs/adr/0018-presets.md).
import type { Preset } from './preset.ts';
import { shopifyPreset } from './shopify.ts';

export const PRESET_NAMES = ['shopify'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESETS: Record<PresetName, Preset> = {
  shopify: shopifyPreset,
};

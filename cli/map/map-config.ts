// The configuration `relay map` maps with: a configuration file (local mode's form, placeholders allowed) and one
// of its sources, or a document of one source that uses a preset, built on the fly.
import path from 'node:path';
import {
  ConfigError,
  parseRelayConfig,
  type RelayConfig,
} from '../../functions/shared/config/relay-config.ts';
import { PRESETS, type PresetName } from '../../functions/shared/config/presets/index.ts';
import { readLocalConfig } from '../../operations/config-file.ts';

export interface MapConfigOptions {
  /** The configuration document; or leave it out and name a `preset`. */
  config?: string;
  /** With `config`: the source the webhook arrives at; with `preset`: the name of the source (default the preset's). */
  source?: string;
  /** A configuration of one source using this preset, built on the fly (no `config`). */
  preset?: string;
}

/** A stand-in for unset `${NAME}` placeholders (recorded answers never reach it). */
const PLACEHOLDER_STAND_IN = 'http://127.0.0.1/placeholder';

/** A document with one source that uses the preset and nothing else, as written (the console edits it). */
export function presetDocument(preset: string, sourceName: string): Record<string, unknown> {
  const source: Record<string, unknown> = { preset, secrets: [{ env: 'RELAY_MAP_WEBHOOK_SECRET' }] };
  // What only a source can give (an API credential) is the preset's example: an environment variable that a
  // live call reads, and that recorded answers never need.
  const requirements = Object.hasOwn(PRESETS, preset) ? (PRESETS[preset as PresetName].requires ?? []) : [];
  for (const { path: at, example } of requirements) setAt(source, at, example);
  return {
    version: 1,
    sources: { [sourceName]: source },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
  };
}

/** The preset's one-source document, validated: what `--preset` maps with. */
export function presetConfig(preset: string, sourceName: string): RelayConfig {
  return parseRelayConfig(JSON.stringify(presetDocument(preset, sourceName)), `--preset ${preset}`);
}

function setAt(target: Record<string, unknown>, at: readonly string[], value: unknown): void {
  let node = target;
  for (const [index, key] of at.entries()) {
    if (index === at.length - 1) node[key] = value;
    else {
      const next = node[key];
      node = (node[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
  }
}

export async function loadConfig(
  options: MapConfigOptions,
): Promise<{ config: RelayConfig; source: string }> {
  if (options.preset !== undefined) {
    if (options.config !== undefined)
      throw new ConfigError('give --config (with --source) or --preset, not both');
    const source = options.source ?? options.preset;
    return { config: presetConfig(options.preset, source), source };
  }
  if (options.config === undefined || options.source === undefined)
    throw new ConfigError('give --config and --source, or --preset');
  // An unset placeholder only matters to a step that calls it: that call then fails, naming the URL.
  const { config } = await readLocalConfig(path.resolve(options.config), process.env, PLACEHOLDER_STAND_IN);
  return { config, source: options.source };
}

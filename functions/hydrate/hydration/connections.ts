// A source's connections: today's single `base_url`/`auth` is the connection `default`; `connections` names
// several. A base URL is a template: its placeholders are filled per call, and the URL it renders must pass the
// same rule as a fixed one (https, or http to loopback) before any credential is sent to it.
import { PermanentError } from '../../shared/stage/errors.ts';
import type { ValueSpec } from '../../shared/config/expression.ts';
import { DEFAULT_CONNECTION, type Hydration } from '../../shared/config/hydration.ts';
import type { HydrationAuth } from '../../shared/config/hydration-auth.ts';
import type { HydrationStep } from '../../shared/config/hydration-step.ts';
import {
  DNS_LABEL,
  hostPlaceholderOf,
  HYDRATION_BASE_URL_RULE,
  isHydrationBaseUrl,
  splitAtAuthority,
} from '../../shared/config/hydration-base-url.ts';
import { renderPath, renderPlaceholders } from './placeholders.ts';

export interface Connection {
  name: string;
  baseUrl: string;
  auth: HydrationAuth | undefined;
  /** `{params.name}` values every step on the connection has (a step's own params win). */
  params: Record<string, ValueSpec> | undefined;
  timeoutMs: number;
  requestsPerSecond: number | undefined;
}

export function connectionsOf(hydration: Hydration): Connection[] {
  if (hydration.connections) {
    return Object.entries(hydration.connections).map(([name, c]) => ({
      name,
      baseUrl: c.base_url,
      auth: c.auth,
      params: c.params,
      timeoutMs: c.timeout_ms ?? hydration.timeout_ms,
      requestsPerSecond: c.requests_per_second ?? hydration.requests_per_second,
    }));
  }
  return [
    {
      name: DEFAULT_CONNECTION,
      baseUrl: hydration.base_url ?? '',
      auth: hydration.auth,
      params: undefined,
      timeoutMs: hydration.timeout_ms,
      requestsPerSecond: hydration.requests_per_second,
    },
  ];
}

/** The connection a step calls: the one it names, or the only one (the schema guarantees one of them). */
export function connectionFor(hydration: Hydration, step: Pick<HydrationStep, 'connection'>): Connection {
  const all = connectionsOf(hydration);
  const found = step.connection === undefined ? all[0] : all.find((c) => c.name === step.connection);
  if (!found || (step.connection === undefined && all.length !== 1)) {
    throw new PermanentError(
      `hydration step names connection "${step.connection ?? ''}", which is not configured`,
      'hydration_connection_unknown',
    );
  }
  return found;
}

/**
 * Renders a base URL template. Placeholders in the path are filled like a step's path; one in the host fills its
 * first label, under the fixed registrable domain the template names, and must be one DNS label, so a webhook can
 * pick the shop but never the domain its credential goes to. The template's host rule is checked again here (a
 * document that skipped validation gets no further), and so is the rendered URL: its host must be the value, a
 * dot and the fixed domain, and it must pass the base-URL rule.
 */
export function renderBaseUrl(template: string, scope: unknown): string {
  const host = hostPlaceholderOf(template);
  if (host && 'problem' in host) {
    throw new PermanentError(`hydration base URL ${template}: ${host.problem}`, 'hydration_base_url_invalid');
  }
  const parts = splitAtAuthority(template);
  let label: string | undefined;
  const rendered = parts
    ? parts.scheme +
      renderPlaceholders(parts.authority, scope, (value, path) => {
        if (!DNS_LABEL.test(value)) {
          throw new PermanentError(
            `hydration cannot put ${path} in the base URL's host: it must be one DNS label`,
            'hydration_input_unsafe',
            { path },
          );
        }
        label = value.toLowerCase();
        return value;
      }) +
      renderPath(parts.rest, scope)
    : template;
  if (!isHydrationBaseUrl(rendered)) {
    throw new PermanentError(
      `hydration base URL ${rendered} is not ${HYDRATION_BASE_URL_RULE}`,
      'hydration_base_url_invalid',
    );
  }
  if (host && new URL(rendered).hostname !== `${label ?? ''}.${host.fixedDomain}`) {
    throw new PermanentError(
      `hydration base URL ${rendered} is not one label under ${host.fixedDomain}`,
      'hydration_base_url_invalid',
    );
  }
  return rendered;
}

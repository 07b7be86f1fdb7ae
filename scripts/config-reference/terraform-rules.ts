// The configuration rules that the zod schema states as code (refinements, presets) and that HCL can still
// state: written here by hand, each next to the zod rule it mirrors, and placed by ./terraform.ts after the
// generated validations of its variable. What HCL cannot state at all is listed in
// docs/adr/0024-one-description-of-the-configuration.md; the corpus (test/fixtures/config-corpus/) holds both
// to the same verdicts.

export interface TerraformRule {
  /** The variable the rule belongs to (generated rules have none: they are placed where they were made). */
  variable?: 'sources' | 'klaviyo' | 'ingest' | 'hydrate';
  comment?: string;
  condition: string;
  error_message: string;
}

const PORT = '(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?';
const HOST = '([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)';
/** hydration-base-url.ts: https, or http to loopback; a host, and a port WHATWG URL parsing accepts. */
const BASE_URL = `^(https://${HOST}${PORT}|http://(localhost|127(\\\\.[0-9]{1,3}){3}|\\\\[::1\\\\])${PORT})([/?#][^\\\\s]*)?$`;

/** Every base URL of a source's hydration (its own, and each connection's that is set). */
const BASE_URLS =
  's.hydration.base_url == null ? [] : [s.hydration.base_url], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.base_url if c.base_url != null]';
const STEPS = 's.hydration == null ? [] : (s.hydration.steps == null ? [] : s.hydration.steps)';
const EVENTS = 'coalesce(s.mapping.events, [])';

export const TERRAFORM_RULES: readonly TerraformRule[] = [
  {
    variable: 'sources',
    comment: 'presets/resolve.ts (checkPreset): each preset reads the webhooks of the sender of its name.',
    condition:
      'alltrue([for s in values(var.sources) : s.preset == null || lookup({ shopify = "shopify", bigcommerce = "bigcommerce", stripe = "stripe", woocommerce = "woocommerce", zendesk = "zendesk" }, coalesce(s.preset, "-"), s.kind) == s.kind])',
    error_message:
      "A source's preset must fit its kind: each preset reads the webhooks of the sender of the same name (the shopify preset a shopify source, and so on).",
  },
  {
    variable: 'sources',
    comment: 'What each preset asks the source for (`requires` in functions/shared/config/presets/).',
    condition:
      'alltrue([for s in values(var.sources) : ((s.preset != "bigcommerce" || try(s.hydration.connections.store.auth, null) != null) && (s.preset != "stripe" || try(s.hydration.connections.stripe.auth, null) != null) && (s.preset != "zendesk" || (try(s.hydration.connections.zendesk.auth, null) != null && try(s.hydration.connections.zendesk.base_url, null) != null)))])',
    error_message:
      "A preset's credential must be given: bigcommerce needs hydration.connections.store.auth (X-Auth-Token), stripe hydration.connections.stripe.auth (bearer API key), zendesk hydration.connections.zendesk.base_url and auth (see docs/presets/).",
  },
  {
    variable: 'sources',
    comment:
      'config/source-verification.ts, hmacSignatureSchema: {body} once; a timestamp header only when signed.',
    condition:
      'alltrue([for s in values(var.sources) : s.signature == null ? true : (length(split("{body}", coalesce(s.signature.signed_content, "{body}"))) == 2 && (strcontains(coalesce(s.signature.signed_content, "{body}"), "{timestamp}") ? s.signature.timestamp_header != null : true) && (s.signature.timestamp_header == null ? true : strcontains(coalesce(s.signature.signed_content, "{body}"), "{timestamp}")))])',
    error_message:
      'signature.signed_content must contain {body} exactly once (default {body}); when it uses {timestamp}, signature.timestamp_header is required; and when signature.timestamp_header is set, signed_content must include {timestamp} (an unsigned timestamp could be rewritten to pass the tolerance).',
  },
  {
    variable: 'sources',
    comment:
      'config/hydration.ts, hydrationSchema: one connection or several; steps unless a preset gives them.',
    condition:
      'alltrue([for s in values(var.sources) : s.hydration == null ? true : ((s.hydration.base_url == null) != (s.hydration.connections == null) && (s.hydration.connections == null || s.hydration.auth == null) && (s.hydration.steps != null || s.preset != null) && (s.preset != null || alltrue([for c in(s.hydration.connections == null ? [] : values(s.hydration.connections)) : c.base_url != null])) && (s.hydration.connections == null ? true : length(coalesce(s.hydration.connections, {})) >= 1 && length(coalesce(s.hydration.connections, {})) <= 10))])',
    error_message:
      "hydration needs either base_url (with auth) or connections (1 to 10, each with its own base_url and auth), and steps; with a preset, steps and a connection's base_url may be left out (the preset's are used).",
  },
  {
    variable: 'sources',
    comment:
      'config/hydration-connection.ts, isBaseUrlTemplate: https (or http to loopback) once {placeholders} are filled, a valid port; a placeholder in the host is its whole first label under a fixed domain of two labels or more (that the fixed part is registrable, not a public suffix such as co.uk, needs the Public Suffix List: hydrate checks it).',
    condition: `alltrue(flatten([for s in values(var.sources) : s.hydration == null ? [] : [for u in concat(${BASE_URLS}) : can(regex("${BASE_URL}", replace(u, "/\\\\{[^{}]+\\\\}/", "x"))) && (!can(regex("^[a-z]+://[^/?#]*\\\\{", u)) || can(regex("^[a-z]+://\\\\{[^{}/?#@:]+\\\\}(\\\\.[A-Za-z0-9-]+){2,}(:[0-9]{1,5})?([/?#].*)?$", u)))]]))`,
    error_message:
      'Every hydration base URL must be https (or http to loopback, 127.0.0.0/8, [::1] or localhost, for local mode) once its {placeholders} are filled, with a port from 0 to 65535; a placeholder in its host must be its whole first label, under a fixed registrable domain, e.g. https://{meta.shop}.myshopify.com (the configuration, not the webhook, decides which domain gets the credential).',
  },
  {
    variable: 'sources',
    comment: 'config/hydration-auth.ts, hydrationAuthSchema: basic auth names its user one way.',
    condition: `alltrue(flatten([for s in values(var.sources) : [for a in(s.hydration == null ? [] : concat(s.hydration.auth == null ? [] : [s.hydration.auth], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null])) : a.kind != "basic" || ((a.user == null) != (a.user_secret == null))]]))`,
    error_message: 'A basic hydration auth needs exactly one of user or user_secret.',
  },
  {
    variable: 'sources',
    comment: 'config/hydration-step.ts, hydrationStepSchema; config/hydration.ts, stepsNameTheirConnection.',
    condition: `alltrue(flatten([for s in values(var.sources) : [for st in(${STEPS}) : (st.connection == null ? (s.hydration.connections == null ? true : length(s.hydration.connections) == 1) : (s.hydration.connections == null ? st.connection == "default" : contains(keys(s.hydration.connections), st.connection))) && (st.body == null || coalesce(st.method, "GET") == "POST") && (st.paginate == null || coalesce(st.method, "GET") == "GET") && (st.for_each == null || try(st.for_each.as, null) != "params")]]))`,
    error_message:
      'Each hydration step names a configured connection (it may leave it out when there is exactly one), has a body only with method POST, paginate only with GET, and a for_each.as other than params.',
  },
  {
    variable: 'sources',
    comment: 'config/hydration-pagination.ts, paginationSchema: what each kind of next needs.',
    condition: `alltrue(flatten([for s in values(var.sources) : [for st in(${STEPS}) : st.paginate == null ? true : ((st.paginate.next != "next_url" || st.paginate.next_url_path != null) && (st.paginate.next != "cursor" || (st.paginate.has_more_path != null && st.paginate.cursor_param != null && st.paginate.cursor_path != null)))]]))`,
    error_message:
      'A hydration step\'s paginate with next "next_url" needs next_url_path; with next "cursor", has_more_path, cursor_param and cursor_path.',
  },
  {
    variable: 'sources',
    comment: 'config/mapping.ts, namedValuesSchema.',
    condition: `alltrue(flatten([for s in values(var.sources) : [for m in concat([s.mapping.properties, s.mapping.keep, s.mapping.extra], flatten([for e in ${EVENTS} : [e.properties, e.keep, e.extra]])) : m == null ? true : length(m) <= 100 && alltrue([for k in keys(m) : length(k) >= 1 && length(k) <= 100 && !startswith(k, "$")])]]))`,
    error_message:
      'mapping properties, keep and extra (and those of each events entry) hold at most 100 names of 1 to 100 characters each, none starting with $ (Klaviyo reserves those; extra is written as $extra).',
  },
  {
    variable: 'sources',
    comment: 'config/mapping.ts, mappingSchema and eventSpecSchema.',
    condition: `alltrue([for s in values(var.sources) : s.mapping.events == null ? true : (alltrue([for v in [s.mapping.value, s.mapping.include, s.mapping.properties, s.mapping.keep, s.mapping.extra] : v == null]) && alltrue([for e in ${EVENTS} : e.key == null || e.for_each != null]) && length(distinct([for i, e in ${EVENTS} : coalesce(e.id, tostring(i))])) == length(${EVENTS}))])`,
    error_message:
      "mapping.events, when set, holds events with distinct ids (default the position), key only beside for_each, and the single-event fields value, include, properties, keep and extra are set on each event instead of at the mapping's top level.",
  },
  {
    variable: 'sources',
    comment: 'config/mapping-consent.ts, consentListSchema.',
    condition: `alltrue(flatten([for s in values(var.sources) : [for l in [s.mapping.subscriptions, s.mapping.unsubscriptions] : l == null ? true : length(distinct([for c in l : c.id])) == length(l)]]))`,
    error_message:
      "mapping.subscriptions and mapping.unsubscriptions each hold entries with distinct ids (a source's entry overrides its preset's by id).",
  },
  {
    variable: 'klaviyo',
    comment:
      "Terraform's own rule: Lambda's least maximum concurrency is 2 (the document takes 1 in local mode).",
    condition: 'var.klaviyo.max_concurrency >= 2',
    error_message:
      "klaviyo.max_concurrency must be from 2: it is also the deliver event source mapping's maximum concurrency, and Lambda's minimum there is 2 (the document's 1 is for local mode only).",
  },
];

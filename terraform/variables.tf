################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Prefix of every resource name (functions, roles, queues, table, API, parameter); 1 to 40 letters, digits or hyphens, starting with a letter."
  type        = string
  default     = "klaviyo-webhook-relay"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,39}$", var.name))
    error_message = "name must be 1 to 40 letters, digits or hyphens and start with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports tags."
  type        = map(string)
  default     = {}
}

variable "function_tags" {
  description = "Extra tags for the functions, their roles, log groups and alarms, merged over tags."
  type        = map(string)
  default     = {}
}

variable "queue_tags" {
  description = "Extra tags for the queues, their DLQs and their alarms, merged over tags."
  type        = map(string)
  default     = {}
}

variable "dedupe_table_tags" {
  description = "Extra tags for the dedupe table, merged over tags."
  type        = map(string)
  default     = {}
}

variable "api_tags" {
  description = "Extra tags for the HTTP API, its stage and access log group, merged over tags."
  type        = map(string)
  default     = {}
}

variable "alarm_tags" {
  description = "Extra tags for the relay-wide alarms (ingest 5xx rate, Klaviyo auth failures), merged over tags."
  type        = map(string)
  default     = {}
}

################################################################################
# Configuration document (mirrors relayConfigSchema() in functions/shared/config.ts)
################################################################################

variable "sources" {
  description = "Webhook sources keyed by the {source} path segment (1 to 64 lowercase letters, digits, - or _, starting with a letter or digit), each with a kind (shopify, stripe, standard-webhooks, klaviyo, klaviyo-flow, bigcommerce, woocommerce, zendesk, generic-hmac or token), 1 to 5 secret references (ssm parameter name/ARN or secrets_manager ARN), the optional preset (shopify, bigcommerce, stripe, woocommerce or zendesk, for the source of that kind) whose hydration and mapping the source's own settings override, the optional event_type, max_body_bytes, hydration and mapping settings, and the kind-specific tolerance_seconds (stripe, standard-webhooks, klaviyo, zendesk), secret_header (klaviyo-flow, bigcommerce), signature (generic-hmac only, required there), delivery_id (generic-hmac, klaviyo-flow, token), scheme and header (token)."
  type = map(object({
    kind = string
    # A preset (shopify, bigcommerce, stripe, woocommerce, zendesk) gives the source its hydration and mapping;
    # the source's own hydration and mapping settings override the preset's, field by field.
    preset = optional(string)
    secrets = list(object({
      ssm             = optional(string)
      secrets_manager = optional(string)
    }))
    event_type = optional(object({
      header = optional(string)
      path   = optional(string)
      value  = optional(string)
    }))
    max_body_bytes    = optional(number)
    tolerance_seconds = optional(number)
    secret_header     = optional(string)
    signature = optional(object({
      header            = string
      algorithm         = optional(string, "sha256")
      encoding          = optional(string, "hex")
      prefix            = optional(string, "")
      timestamp_header  = optional(string)
      signed_content    = optional(string)
      tolerance_seconds = optional(number)
    }))
    delivery_id = optional(object({
      header = optional(string)
      path   = optional(string)
      value  = optional(string)
    }))
    scheme = optional(string)
    header = optional(string)
    hydration = optional(object({
      # One connection (base_url, auth), or several named ones in connections: set one of the two.
      base_url = optional(string)
      auth = optional(object({
        # header (default), bearer, basic or query.
        kind        = optional(string)
        header      = optional(string)
        prefix      = optional(string)
        secret      = optional(object({ ssm = optional(string), secrets_manager = optional(string) }))
        user        = optional(string)
        user_secret = optional(object({ ssm = optional(string), secrets_manager = optional(string) }))
        password    = optional(object({ ssm = optional(string), secrets_manager = optional(string) }))
        param       = optional(string)
      }))
      connections = optional(map(object({
        # Optional with a preset, whose connection has one (set it to override the preset's).
        base_url = optional(string)
        # Values every step on the connection has as {params.name}; a step's own params win.
        params = optional(map(string))
        auth = optional(object({
          # header (default), bearer, basic or query.
          kind        = optional(string)
          header      = optional(string)
          prefix      = optional(string)
          secret      = optional(object({ ssm = optional(string), secrets_manager = optional(string) }))
          user        = optional(string)
          user_secret = optional(object({ ssm = optional(string), secrets_manager = optional(string) }))
          password    = optional(object({ ssm = optional(string), secrets_manager = optional(string) }))
          param       = optional(string)
        }))
        timeout_ms          = optional(number)
        requests_per_second = optional(number)
      })))
      timeout_ms = optional(number, 5000)
      # Requests a second each hydrate instance sends this source's API at most; unset: only the API's
      # Retry-After and rate headers set the pace.
      requests_per_second = optional(number)
      # Value specs (params values, when, pick, for_each.items) are dot paths, or JSONata after a leading "=".
      # body is JSON text (jsonencode({ ... })), where { expr = "..." } and { path = "..." } objects are filled in.
      # Optional with a preset (its steps are merged with these by name).
      steps = optional(list(object({
        name       = string
        path       = string
        connection = optional(string)
        method     = optional(string)
        params     = optional(map(string))
        body       = optional(string)
        when       = optional(string)
        pick       = optional(string)
        for_each = optional(object({
          items       = string
          as          = optional(string)
          concurrency = optional(number)
          max_items   = optional(number)
        }))
        paginate = optional(object({
          next          = string
          items         = optional(string)
          next_url_path = optional(string)
          has_more_path = optional(string)
          cursor_param  = optional(string)
          cursor_path   = optional(string)
          max_pages     = optional(number)
        }))
        graphql           = optional(bool)
        cache_ttl_seconds = optional(number)
      })))
    }))
    # Value specs are strings: a dot path (customer.email), or "=" and a JSONata expression ("= $sum(line_items.price)"),
    # rendered as { "expr": "…" } (config.tf). Terraform cannot hold a string in one source and an object in another.
    mapping = optional(object({
      filter               = optional(string)
      metric               = optional(string)
      metric_by_event_type = optional(map(string), {})
      # emit (event, profile or both) per event type, e.g. { "customers/create" = "profile" }.
      emit_by_event_type = optional(map(string), {})
      # Profile identifiers: the first of each list that gives a value. id is Klaviyo's own profile id, sent as the
      # profile's data.id; unset, it is looked for where Klaviyo's system webhooks name it
      # (event.data.relationships.profile.data.id); [] turns that off.
      profile = optional(object({
        id           = optional(list(string))
        email        = optional(list(string))
        phone_number = optional(list(string))
        external_id  = optional(list(string))
      }), {})
      value          = optional(string)
      value_currency = optional(string)
      time           = optional(string)
      backfill       = optional(bool)
      include        = optional(list(string))
      properties     = optional(map(string))
      keep           = optional(map(string))
      extra          = optional(map(string))
      events = optional(list(object({
        id = optional(string)
        # The event types this entry is for; unset: every one.
        event_types    = optional(list(string))
        metric         = optional(string)
        for_each       = optional(string)
        key            = optional(string)
        filter         = optional(string)
        value          = optional(string)
        value_currency = optional(string)
        time           = optional(string)
        backfill       = optional(bool)
        include        = optional(list(string))
        properties     = optional(map(string))
        keep           = optional(map(string))
        extra          = optional(map(string))
      })))
      profile_attributes = optional(map(string))
      emit               = optional(string)
    }), {})
  }))

  validation {
    condition     = alltrue([for k in keys(var.sources) : can(regex("^[a-z0-9][a-z0-9_-]{0,63}$", k))])
    error_message = "Each key of sources must be 1 to 64 lowercase letters, digits, - or _, starting with a letter or digit (it is the {source} segment of the webhook URL)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : contains(["shopify", "stripe", "standard-webhooks", "klaviyo", "klaviyo-flow", "bigcommerce", "woocommerce", "zendesk", "generic-hmac", "token"], s.kind)])
    error_message = "Each source's kind must be shopify, stripe, standard-webhooks, klaviyo, klaviyo-flow, bigcommerce, woocommerce, zendesk, generic-hmac or token."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : s.preset == null || contains(["shopify", "bigcommerce", "stripe", "woocommerce", "zendesk"], coalesce(s.preset, "-"))])
    error_message = "Each source's preset, when set, must be shopify, bigcommerce, stripe, woocommerce or zendesk."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : s.preset == null || lookup({ shopify = "shopify", bigcommerce = "bigcommerce", stripe = "stripe", woocommerce = "woocommerce", zendesk = "zendesk" }, coalesce(s.preset, "-"), s.kind) == s.kind])
    error_message = "A source's preset must fit its kind: each preset reads the webhooks of the sender of the same name (the shopify preset a shopify source, and so on)."
  }

  validation {
    # What each preset asks the source for (`requires` in functions/shared/presets/): refused here, at plan, rather
    # than by the functions when they load the document.
    condition = alltrue([for s in values(var.sources) : (
      (s.preset != "bigcommerce" || try(s.hydration.connections.store.auth, null) != null) &&
      (s.preset != "stripe" || try(s.hydration.connections.stripe.auth, null) != null) &&
      (s.preset != "zendesk" || (try(s.hydration.connections.zendesk.auth, null) != null && try(s.hydration.connections.zendesk.base_url, null) != null))
    )])
    error_message = "A preset's credential must be given: bigcommerce needs hydration.connections.store.auth (X-Auth-Token), stripe hydration.connections.stripe.auth (bearer API key), zendesk hydration.connections.zendesk.base_url and auth (see the README's Presets section)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : length(s.secrets) >= 1 && length(s.secrets) <= 5])
    error_message = "Each source needs 1 to 5 secrets (several allow rotation without downtime)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : concat(
      [for r in s.secrets : (r.ssm != null) != (r.secrets_manager != null)],
      [for r in flatten([for a in(s.hydration == null ? [] : concat(s.hydration.auth == null ? [] : [s.hydration.auth], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null])) : [for r in [a.secret, a.user_secret, a.password] : r if r != null]]) : (r.ssm != null) != (r.secrets_manager != null)],
    )]))
    error_message = "Each secret reference (sources[*].secrets[*] and the hydration auth's secret, user_secret and password, in auth or in a connection) must set exactly one of ssm or secrets_manager."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : concat(
      [for r in s.secrets : r.ssm == null ? true : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/)?[A-Za-z0-9_./-]+$", r.ssm))],
      [for r in s.secrets : r.secrets_manager == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", r.secrets_manager))],
      [for r in flatten([for a in(s.hydration == null ? [] : concat(s.hydration.auth == null ? [] : [s.hydration.auth], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null])) : [for r in [a.secret, a.user_secret, a.password] : r if r != null]]) : r.ssm == null ? true : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/)?[A-Za-z0-9_./-]+$", r.ssm))],
      [for r in flatten([for a in(s.hydration == null ? [] : concat(s.hydration.auth == null ? [] : [s.hydration.auth], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null])) : [for r in [a.secret, a.user_secret, a.password] : r if r != null]]) : r.secrets_manager == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", r.secrets_manager))],
    )]))
    error_message = "An ssm secret reference must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN; a secrets_manager reference must be a Secrets Manager secret ARN."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : (s.kind == "generic-hmac") == (s.signature != null)])
    error_message = "signature is required for generic-hmac sources and not allowed for any other kind (their signing schemes are fixed)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : contains(["generic-hmac", "klaviyo-flow", "token"], s.kind) || s.delivery_id == null])
    error_message = "delivery_id is only allowed for generic-hmac, klaviyo-flow and token sources (the other senders name their delivery id themselves)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : contains(["stripe", "standard-webhooks", "klaviyo", "zendesk"], s.kind) || s.tolerance_seconds == null])
    error_message = "tolerance_seconds is only allowed for stripe, standard-webhooks, klaviyo and zendesk sources (generic-hmac sets it inside signature)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : contains(["klaviyo-flow", "bigcommerce"], s.kind) || s.secret_header == null])
    error_message = "secret_header is only allowed for klaviyo-flow and bigcommerce sources."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : s.kind == "token" || (s.scheme == null && s.header == null)])
    error_message = "scheme and header are only allowed for token sources."
  }

  validation {
    condition = alltrue([for s in values(var.sources) : s.max_body_bytes == null ? true : (
      s.max_body_bytes >= 1024 && s.max_body_bytes <= 5242880 && floor(s.max_body_bytes) == s.max_body_bytes
    )])
    error_message = "sources[*].max_body_bytes must be a whole number from 1024 to 5242880 (5 MiB; Lambda carries 6 MB per synchronous invocation)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for t in [s.tolerance_seconds, try(s.signature.tolerance_seconds, null)] : t == null ? true : t >= 1 && t <= 86400 && floor(t) == t
    ]]))
    error_message = "tolerance_seconds and signature.tolerance_seconds must be whole seconds from 1 to 86400 (default 300)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for h in [s.secret_header, s.header, try(s.signature.header, null), try(s.signature.timestamp_header, null)] :
      h == null ? true : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", h))
    ]]))
    error_message = "secret_header, header, signature.header and signature.timestamp_header must be HTTP header names (letters, digits and !#$%&'*+.^_`|~-)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : s.scheme == null ? true : contains(["bearer", "basic"], s.scheme)])
    error_message = "scheme must be bearer (Authorization: Bearer <secret>) or basic (the secret is user:password)."
  }

  validation {
    condition = alltrue([for s in values(var.sources) : s.signature == null ? true : (
      contains(["sha1", "sha256", "sha512"], s.signature.algorithm) &&
      contains(["hex", "base64"], s.signature.encoding)
    )])
    error_message = "signature needs algorithm sha1, sha256 or sha512, and encoding hex or base64."
  }

  validation {
    condition = alltrue([for s in values(var.sources) : s.signature == null ? true : (
      length(split("{body}", s.signature.signed_content == null ? "{body}" : s.signature.signed_content)) == 2 &&
      (strcontains(s.signature.signed_content == null ? "" : s.signature.signed_content, "{timestamp}") ? s.signature.timestamp_header != null : true) &&
      # A timestamp header must be signed: an unsigned one can be rewritten to pass the tolerance.
      (s.signature.timestamp_header == null ? true : strcontains(s.signature.signed_content == null ? "" : s.signature.signed_content, "{timestamp}"))
    )])
    error_message = "signature.signed_content must contain {body} exactly once (default {body}); when it uses {timestamp}, signature.timestamp_header is required; and when signature.timestamp_header is set, signed_content must include {timestamp} (an unsigned timestamp could be rewritten to pass the tolerance)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [for v in [s.event_type, s.delivery_id] : v == null ? true : (
      length([for x in [v.header, v.path, v.value] : x if x != null && x != ""]) == 1 &&
      length([for x in [v.header, v.path, v.value] : x if x != null]) == 1
    )]]))
    error_message = "event_type and delivery_id must set exactly one non-empty of header, path or value."
  }

  validation {
    condition = alltrue([for s in values(var.sources) : s.hydration == null ? true : (
      (s.hydration.base_url == null) != (s.hydration.connections == null) &&
      (s.hydration.connections == null || s.hydration.auth == null) &&
      alltrue([for u in concat(s.hydration.base_url == null ? [] : [s.hydration.base_url], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.base_url if c.base_url != null]) : can(regex("^(https://[^\\s/$.?#][^\\s]*|http://(localhost|127(\\.[0-9]{1,3}){3}|\\[::1\\])(:[0-9]{1,5})?([/?#][^\\s]*)?)$", replace(u, "/\\{[^{}]+\\}/", "x")))]) &&
      s.hydration.timeout_ms >= 100 && s.hydration.timeout_ms <= 30000 && floor(s.hydration.timeout_ms) == s.hydration.timeout_ms &&
      (s.hydration.steps == null ? s.preset != null : length(s.hydration.steps) >= 1 && length(s.hydration.steps) <= 10) &&
      (s.preset != null || alltrue([for c in(s.hydration.connections == null ? [] : values(s.hydration.connections)) : c.base_url != null])) &&
      alltrue([for st in(s.hydration.steps == null ? [] : s.hydration.steps) : can(regex("^[a-z][a-z0-9_]*$", st.name)) && startswith(st.path, "/")])
    )])
    error_message = "hydration needs either base_url (with auth) or connections (each with its own auth), every base URL https (or http to loopback, 127.0.0.0/8, [::1] or localhost, for local mode) once its {placeholders} are filled, timeout_ms from 100 to 30000, and 1 to 10 steps each with a lower_snake_case name and a path starting with /; with a preset, steps and a connection's base_url may be left out (the preset's are used)."
  }

  validation {
    # A placeholder in a base URL's host fills one DNS label before a fixed domain ({meta.shop}.myshopify.com).
    condition = alltrue(flatten([for s in values(var.sources) : s.hydration == null ? [] : [for u in concat(s.hydration.base_url == null ? [] : [s.hydration.base_url], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.base_url if c.base_url != null]) :
      !can(regex("^[a-z]+://[^/?#]*\\{", u)) || can(regex("^[a-z]+://[^/?#@:]*\\}[^{}/?#@:]*\\.[A-Za-z0-9-]+(:[0-9]{1,5})?([/?#].*)?$", u))
    ]]))
    error_message = "A placeholder in a hydration base URL's host must be followed by a fixed domain, e.g. https://{meta.shop}.myshopify.com: the configuration, not the webhook, decides where the credential goes."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [for a in(s.hydration == null ? [] : concat(s.hydration.auth == null ? [] : [s.hydration.auth], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null])) : (
      contains(["header", "bearer", "basic", "query"], coalesce(a.kind, "header")) &&
      (coalesce(a.kind, "header") == "header") == (a.header != null) &&
      (coalesce(a.kind, "header") == "header" || a.prefix == null) &&
      contains(["header", "bearer", "query"], coalesce(a.kind, "header")) == (a.secret != null) &&
      (coalesce(a.kind, "header") == "basic") == (a.password != null) &&
      (coalesce(a.kind, "header") == "basic" ? (a.user == null) != (a.user_secret == null) : a.user == null && a.user_secret == null) &&
      (coalesce(a.kind, "header") == "query") == (a.param != null) &&
      (a.header == null ? true : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", a.header))) &&
      (a.param == null ? true : can(regex("^[A-Za-z0-9_.~-]+$", a.param))) &&
      (a.user == null ? true : !strcontains(a.user, ":"))
    )]]))
    error_message = "A hydration auth (in auth or in a connection) is one of: header (header, optional prefix, secret), bearer (secret), basic (user or user_secret, and password; a user has no \":\") or query (param, secret); it sets only its own fields."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : s.hydration == null ? [] : [for st in(s.hydration.steps == null ? [] : s.hydration.steps) : (
      (st.connection == null ? (s.hydration.connections == null ? true : length(s.hydration.connections) == 1) : (
        s.hydration.connections == null ? st.connection == "default" : contains(keys(s.hydration.connections), st.connection)
      )) &&
      contains(["GET", "POST"], coalesce(st.method, "GET")) &&
      (st.body == null ? true : coalesce(st.method, "GET") == "POST" && can(jsondecode(st.body))) &&
      alltrue([for k, v in(st.params == null ? {} : st.params) : can(regex("^[a-z][a-z0-9_]*$", k)) && (startswith(v, "=") ? length(trimspace(substr(v, 1, -1))) > 0 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v)))]) &&
      alltrue([for v in compact([st.when, st.pick, try(st.for_each.items, null)]) : (startswith(v, "=") ? length(trimspace(substr(v, 1, -1))) > 0 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v)))]) &&
      (st.cache_ttl_seconds == null ? true : st.cache_ttl_seconds >= 0 && st.cache_ttl_seconds <= 3600 && floor(st.cache_ttl_seconds) == st.cache_ttl_seconds)
    )]]))
    error_message = "Each hydration step names a configured connection (it may leave it out when there is exactly one), has method GET or POST, a body (JSON text) only with POST, params names in lower_snake_case, and params values, when, pick and for_each.items as dot paths or \"=\" followed by a JSONata expression; cache_ttl_seconds is a whole number from 0 to 3600."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : s.hydration == null ? [] : [for st in(s.hydration.steps == null ? [] : s.hydration.steps) : (
      (st.for_each == null || (
        can(regex("^[a-z][a-z0-9_]*$", coalesce(try(st.for_each.as, null), "item"))) && coalesce(try(st.for_each.as, null), "item") != "params" &&
        contains(range(1, 11), coalesce(try(st.for_each.concurrency, null), 4)) &&
        contains(range(1, 251), coalesce(try(st.for_each.max_items, null), 50))
      )) &&
      (st.paginate == null || (
        coalesce(st.method, "GET") == "GET" &&
        contains(["link_header", "next_url", "cursor"], try(st.paginate.next, "")) &&
        contains(range(1, 51), coalesce(try(st.paginate.max_pages, null), 10)) &&
        (try(st.paginate.next, "") != "next_url" || try(st.paginate.next_url_path, null) != null) &&
        (try(st.paginate.next, "") != "cursor" || (try(st.paginate.has_more_path, null) != null && try(st.paginate.cursor_param, null) != null && try(st.paginate.cursor_path, null) != null))
      ))
    )]]))
    error_message = "A hydration step's for_each has items, as in lower_snake_case (not params), concurrency from 1 to 10 and max_items from 1 to 250; its paginate (GET steps only) has next link_header, next_url (with next_url_path) or cursor (with has_more_path, cursor_param and cursor_path) and max_pages from 1 to 50."
  }

  validation {
    condition = alltrue([for s in values(var.sources) : s.hydration == null ? true : (
      (s.hydration.requests_per_second == null ? true : s.hydration.requests_per_second >= 0.1 && s.hydration.requests_per_second <= 1000) &&
      alltrue([for c in(s.hydration.connections == null ? [] : values(s.hydration.connections)) : (
        alltrue([for k, v in(c.params == null ? {} : c.params) : can(regex("^[a-z][a-z0-9_]*$", k)) && (startswith(v, "=") ? length(trimspace(substr(v, 1, -1))) > 0 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v)))]) &&
        (c.requests_per_second == null || (coalesce(c.requests_per_second, 1) >= 0.1 && coalesce(c.requests_per_second, 1) <= 1000)) &&
        (c.timeout_ms == null || (coalesce(c.timeout_ms, 5000) >= 100 && coalesce(c.timeout_ms, 5000) <= 30000 && floor(coalesce(c.timeout_ms, 5000)) == c.timeout_ms))
      )])
    )])
    error_message = "hydration.requests_per_second (and each connection's), when set, must be from 0.1 to 1000; a connection's timeout_ms from 100 to 30000; a connection's params names are lower_snake_case and values dot paths or \"=\" followed by a JSONata expression."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for m in concat(
        s.mapping.metric == null ? [] : [s.mapping.metric],
        [for e in coalesce(s.mapping.events, []) : e.metric if e.metric != null],
        values(s.mapping.metric_by_event_type),
      ) : length(m) >= 1 && length(m) <= 128 && (!startswith(m, "=") || length(trimspace(substr(m, 1, -1))) > 0)
    ]]))
    error_message = "mapping.metric, mapping.events[*].metric and each mapping.metric_by_event_type value must be 1 to 128 characters (a metric name, or \"=\" and a JSONata expression in metric and events[*].metric)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for p in concat(
        coalesce(s.mapping.profile.id, []),
        coalesce(s.mapping.profile.email, []),
        coalesce(s.mapping.profile.phone_number, []),
        coalesce(s.mapping.profile.external_id, []),
        [for v in [s.mapping.filter, s.mapping.value, s.mapping.value_currency, s.mapping.time] : v if v != null],
        values(coalesce(s.mapping.properties, {})),
        values(coalesce(s.mapping.keep, {})),
        values(coalesce(s.mapping.extra, {})),
        values(coalesce(s.mapping.profile_attributes, {})),
        flatten([for e in coalesce(s.mapping.events, []) : concat(
          [for v in [e.for_each, e.key, e.filter, e.value, e.value_currency, e.time] : v if v != null],
          values(coalesce(e.properties, {})),
          values(coalesce(e.keep, {})),
          values(coalesce(e.extra, {})),
        )]),
      ) : startswith(p, "=") ? (length(trimspace(substr(p, 1, -1))) > 0 && length(p) <= 4097) : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", p))
    ]]))
    error_message = "Each mapping value (profile identifiers, filter, value, value_currency, time, properties, keep, extra, profile_attributes and their events[*] counterparts, for_each and key) must be a dot path such as customer.email, or \"=\" followed by a JSONata expression of at most 4096 characters (\"= $sum(line_items.price)\")."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for m in concat(
        [s.mapping.properties, s.mapping.keep, s.mapping.extra],
        flatten([for e in coalesce(s.mapping.events, []) : [e.properties, e.keep, e.extra]]),
        ) : m == null ? true : length(m) <= 100 && alltrue([
          for k in keys(m) : length(k) >= 1 && length(k) <= 100 && !startswith(k, "$")
      ])
    ]]))
    error_message = "mapping properties, keep and extra (and those of each events entry) hold at most 100 names of 1 to 100 characters each, none starting with $ (Klaviyo reserves those; extra is written as $extra)."
  }

  validation {
    condition = alltrue([for s in values(var.sources) : s.mapping.events == null ? true : (
      length(s.mapping.events) >= 1 && length(s.mapping.events) <= 10 &&
      alltrue([for v in [s.mapping.value, s.mapping.include, s.mapping.properties, s.mapping.keep, s.mapping.extra] : v == null]) &&
      alltrue([for e in s.mapping.events : (e.id == null || can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", e.id))) && (e.key == null || e.for_each != null)]) &&
      length(distinct([for i, e in s.mapping.events : coalesce(e.id, tostring(i))])) == length(s.mapping.events)
    )])
    error_message = "mapping.events, when set, holds 1 to 10 events with distinct ids (1 to 40 lowercase letters, digits, - or _; default the position), key only beside for_each, and the single-event fields value, include, properties, keep and extra are set on each event instead of at the mapping's top level."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for i in concat(coalesce(s.mapping.include, []), flatten([for e in coalesce(s.mapping.events, []) : coalesce(e.include, [])])) : length(i) > 0
    ]]))
    error_message = "mapping.include entries (and those of each events entry) must be non-empty context roots such as event or customer."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.sources) : [
      for k, p in(s.mapping.profile_attributes == null ? {} : s.mapping.profile_attributes) :
      can(regex("^(first_name|last_name|organization|locale|title|image|location\\.(address1|address2|city|country|latitude|longitude|region|zip|timezone|ip)|properties\\.[^.\\s][^.]{0,99})$", k))
    ]]))
    error_message = "mapping.profile_attributes keys must be first_name, last_name, organization, locale, title, image, location.<address1|address2|city|country|latitude|longitude|region|zip|timezone|ip> or properties.<name> (up to 100 characters, no dots)."
  }

  validation {
    condition     = alltrue([for s in values(var.sources) : alltrue([for e in concat(s.mapping.emit == null ? [] : [s.mapping.emit], values(s.mapping.emit_by_event_type)) : contains(["event", "profile", "both"], e)])])
    error_message = "mapping.emit and each mapping.emit_by_event_type value must be event, profile or both (default both when profile_attributes is set)."
  }
}

variable "klaviyo" {
  description = "Klaviyo settings: api_key as a reference (ssm parameter name/ARN or secrets_manager ARN, exactly one), revision as a dated API revision (YYYY-MM-DD, optionally .pre), base_url as an http(s) URL, timeout_ms from 100 to 60000, rate_budget_share (the share of Klaviyo's rate limits the relay may use) from 0.05 to 1 (default 1), bulk_threshold (batch size from which Bulk Create Events is used) from 2 to 10000 (default 24), max_pacing_wait_ms from 0 to 10000 (default 2000), max_concurrency (also the deliver event source mapping's maximum concurrency) from 2 to 1000 (default 2), and max_in_flight (requests per deliver instance) from 1 to 64 (default 8)."
  type = object({
    api_key = object({
      ssm             = optional(string)
      secrets_manager = optional(string)
    })
    revision           = optional(string, "2026-07-15")
    base_url           = optional(string, "https://a.klaviyo.com")
    timeout_ms         = optional(number, 10000)
    rate_budget_share  = optional(number, 1)
    bulk_threshold     = optional(number, 24)
    max_pacing_wait_ms = optional(number, 2000)
    max_concurrency    = optional(number, 2)
    max_in_flight      = optional(number, 8)
  })

  validation {
    condition     = (var.klaviyo.api_key.ssm != null) != (var.klaviyo.api_key.secrets_manager != null)
    error_message = "klaviyo.api_key must set exactly one of ssm (parameter name or ARN) or secrets_manager (secret ARN)."
  }

  validation {
    condition = (
      (var.klaviyo.api_key.ssm == null ? true : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/)?[A-Za-z0-9_./-]+$", var.klaviyo.api_key.ssm))) &&
      (var.klaviyo.api_key.secrets_manager == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", var.klaviyo.api_key.secrets_manager)))
    )
    error_message = "klaviyo.api_key.ssm must be an SSM parameter name or ARN; klaviyo.api_key.secrets_manager must be a Secrets Manager secret ARN."
  }

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.pre)?$", var.klaviyo.revision))
    error_message = "klaviyo.revision must be a dated revision such as 2026-07-15 (optionally with .pre)."
  }

  validation {
    condition     = can(regex("^https?://[^\\s/$.?#][^\\s]*$", var.klaviyo.base_url))
    error_message = "klaviyo.base_url must be an http(s) URL such as https://a.klaviyo.com."
  }

  validation {
    condition     = var.klaviyo.timeout_ms >= 100 && var.klaviyo.timeout_ms <= 60000 && floor(var.klaviyo.timeout_ms) == var.klaviyo.timeout_ms
    error_message = "klaviyo.timeout_ms must be a whole number from 100 to 60000."
  }

  validation {
    condition     = var.klaviyo.rate_budget_share >= 0.05 && var.klaviyo.rate_budget_share <= 1
    error_message = "klaviyo.rate_budget_share must be from 0.05 to 1 (the share of each Klaviyo rate limit the relay may use)."
  }

  validation {
    condition     = var.klaviyo.bulk_threshold >= 2 && var.klaviyo.bulk_threshold <= 10000 && floor(var.klaviyo.bulk_threshold) == var.klaviyo.bulk_threshold
    error_message = "klaviyo.bulk_threshold must be a whole number from 2 to 10000."
  }

  validation {
    condition     = var.klaviyo.max_pacing_wait_ms >= 0 && var.klaviyo.max_pacing_wait_ms <= 10000 && floor(var.klaviyo.max_pacing_wait_ms) == var.klaviyo.max_pacing_wait_ms
    error_message = "klaviyo.max_pacing_wait_ms must be a whole number from 0 to 10000."
  }

  validation {
    condition     = var.klaviyo.max_concurrency >= 2 && var.klaviyo.max_concurrency <= 1000 && floor(var.klaviyo.max_concurrency) == var.klaviyo.max_concurrency
    error_message = "klaviyo.max_concurrency must be a whole number from 2 to 1000: it is also the deliver event source mapping's maximum concurrency, and Lambda's minimum there is 2 (the schema's 1 is for local mode only)."
  }

  validation {
    condition     = var.klaviyo.max_in_flight >= 1 && var.klaviyo.max_in_flight <= 64 && floor(var.klaviyo.max_in_flight) == var.klaviyo.max_in_flight
    error_message = "klaviyo.max_in_flight must be a whole number from 1 to 64."
  }
}

variable "ingest" {
  description = "Ingest settings: max_body_bytes from 1024 to 921600, dedupe_ttl_seconds (how long a delivery id is remembered) from 259200 (3 days, Stripe's retry window, the longest a documented sender retries) to 7776000, claim_lease_seconds from 30 (ingest's longest timeout, so a lease cannot lapse while its request runs) to 900."
  type = object({
    max_body_bytes      = optional(number, 262144)
    dedupe_ttl_seconds  = optional(number, 604800)
    claim_lease_seconds = optional(number, 60)
  })
  default = {}

  validation {
    condition     = var.ingest.max_body_bytes >= 1024 && var.ingest.max_body_bytes <= 921600 && floor(var.ingest.max_body_bytes) == var.ingest.max_body_bytes
    error_message = "ingest.max_body_bytes must be a whole number from 1024 to 921600 (900 KiB: an SQS message is at most 1 MiB including metadata)."
  }

  validation {
    condition     = var.ingest.dedupe_ttl_seconds >= 259200 && var.ingest.dedupe_ttl_seconds <= 7776000 && floor(var.ingest.dedupe_ttl_seconds) == var.ingest.dedupe_ttl_seconds
    error_message = "ingest.dedupe_ttl_seconds must be a whole number from 259200 (3 days: Stripe retries that long, the longest of the senders we document) to 7776000 (90 days); a shorter TTL forgets delivery ids senders still retry."
  }

  validation {
    # Ingest's timeout is at most 30 s (the functions validation below, API Gateway's limit), so a lease of 30 s
    # or more never lapses while the request that took it still runs, whatever functions.ingest.timeout is.
    condition     = var.ingest.claim_lease_seconds >= 30 && var.ingest.claim_lease_seconds <= 900 && floor(var.ingest.claim_lease_seconds) == var.ingest.claim_lease_seconds
    error_message = "ingest.claim_lease_seconds must be a whole number from 30 (ingest's longest timeout; a shorter lease can lapse while its request runs, and a retry then enqueues the event twice) to 900."
  }
}

variable "hydrate" {
  description = "Hydrate settings: max_bytes_per_webhook, the bytes one webhook may bring into hydrate (itself, its source API answers and the messages it becomes, as JSON text), from 1048576 (1 MiB) to 1073741824 (1 GiB), or null for a sixteenth of functions.hydrate.memory_size (16 MiB at 256 MB); a webhook past it is dead-lettered with the reason webhook_budget_exceeded."
  type = object({
    max_bytes_per_webhook = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.hydrate.max_bytes_per_webhook == null ? true : (var.hydrate.max_bytes_per_webhook >= 1048576 && var.hydrate.max_bytes_per_webhook <= 1073741824 && floor(var.hydrate.max_bytes_per_webhook) == var.hydrate.max_bytes_per_webhook)
    error_message = "hydrate.max_bytes_per_webhook must be a whole number from 1048576 (1 MiB) to 1073741824 (1 GiB), or null for a sixteenth of hydrate's memory_size."
  }
}

variable "config_parameter_name" {
  description = "Name of the SSM parameter that holds the configuration document; null for /<name>/config."
  type        = string
  default     = null

  validation {
    condition     = var.config_parameter_name == null || can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", coalesce(var.config_parameter_name, "x")))
    error_message = "config_parameter_name must be null or an SSM parameter name (letters, digits, _ . - separated by /)."
  }
}

################################################################################
# Artifacts
################################################################################

variable "artifacts_dir" {
  description = "Directory with ingest.zip, hydrate.zip and deliver.zip, e.g. the dist/ directory that npm run build writes; null uses the release's prebuilt zips in the module's own artifacts/ directory."
  type        = string
  default     = null
}

variable "artifacts" {
  description = "Per-function deployment package overriding artifacts_dir, keyed by ingest, hydrate or deliver: a local zip (filename) or an S3 object (s3_bucket, s3_key, optional s3_object_version and source_code_hash)."
  type = map(object({
    filename          = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.artifacts) : contains(["ingest", "hydrate", "deliver"], k)])
    error_message = "artifacts keys must be ingest, hydrate or deliver."
  }

  validation {
    condition     = alltrue([for a in values(var.artifacts) : (a.filename != null) != (a.s3_bucket != null && a.s3_key != null)])
    error_message = "Each artifacts entry must set either filename or both s3_bucket and s3_key."
  }
}

################################################################################
# Functions
################################################################################

variable "functions" {
  description = "Per-function settings keyed by ingest, hydrate or deliver, each attribute optional: memory_size (128 to 10240 MB), timeout (1 to 900 s; ingest at most 30 because API Gateway waits 30 s), reserved_concurrency (-1 for none, or >= 0), log_retention_days (a CloudWatch retention value), log_level (DEBUG, INFO, WARN, ERROR), runtime (nodejs22.x or later) and architecture (arm64 or x86_64)."
  type = map(object({
    memory_size          = optional(number)
    timeout              = optional(number)
    reserved_concurrency = optional(number)
    log_retention_days   = optional(number)
    log_level            = optional(string)
    runtime              = optional(string)
    architecture         = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.functions) : contains(["ingest", "hydrate", "deliver"], k)])
    error_message = "functions keys must be ingest, hydrate or deliver."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.memory_size == null ? true : f.memory_size >= 128 && f.memory_size <= 10240 && floor(f.memory_size) == f.memory_size])
    error_message = "functions[*].memory_size must be a whole number of MB from 128 to 10240."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.timeout == null ? true : f.timeout >= 1 && f.timeout <= 900 && floor(f.timeout) == f.timeout])
    error_message = "functions[*].timeout must be a whole number of seconds from 1 to 900."
  }

  validation {
    condition     = try(var.functions["ingest"].timeout, null) == null || try(var.functions["ingest"].timeout <= 30, false)
    error_message = "functions.ingest.timeout must be at most 30 seconds: API Gateway HTTP APIs stop waiting after 30 s (and ingest.claim_lease_seconds, at least 30, must cover the timeout)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.reserved_concurrency == null ? true : f.reserved_concurrency >= -1 && floor(f.reserved_concurrency) == f.reserved_concurrency])
    error_message = "functions[*].reserved_concurrency must be -1 (unreserved) or a whole number >= 0."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.log_retention_days == null ? true : contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], f.log_retention_days)])
    error_message = "functions[*].log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.log_level == null ? true : contains(["DEBUG", "INFO", "WARN", "ERROR"], f.log_level)])
    error_message = "functions[*].log_level must be DEBUG, INFO, WARN or ERROR."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.runtime == null ? true : can(regex("^nodejs(2[2-9]|[3-9][0-9])\\.x$", f.runtime))])
    error_message = "functions[*].runtime must be a Node.js runtime from nodejs22.x on."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.architecture == null ? true : contains(["arm64", "x86_64"], f.architecture)])
    error_message = "functions[*].architecture must be arm64 or x86_64."
  }
}

################################################################################
# Queues
################################################################################

variable "queues" {
  description = "Per-queue settings keyed by hydrate or deliver: visibility_timeout_seconds (null for 6 times the consumer's timeout; otherwise at least that, up to 43200), max_receive_count (1 to 1000, default 5 for hydrate and 10 for deliver; the consumer dead-letters a message with its reason when a failing receive is the last allowed, and deferrals cost none), message_retention_seconds (60 to 1209600, default 4 days), dlq_message_retention_seconds (longer than the queue's, default 14 days), max_message_size (1024 to 262144 bytes, default 262144, the AWS provider 5.x ceiling; larger bodies travel through the payload bucket as claim checks), and for the event source mapping batch_size (1 to 10000), maximum_batching_window_in_seconds (0 to 300) and maximum_concurrency (hydrate only, 2 to 1000 or null; deliver's is klaviyo.max_concurrency)."
  type = map(object({
    visibility_timeout_seconds         = optional(number)
    max_receive_count                  = optional(number)
    message_retention_seconds          = optional(number, 345600)
    dlq_message_retention_seconds      = optional(number, 1209600)
    max_message_size                   = optional(number, 262144)
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
    maximum_concurrency                = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.queues) : contains(["hydrate", "deliver"], k)])
    error_message = "queues keys must be hydrate or deliver."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.max_receive_count == null ? true : q.max_receive_count >= 1 && q.max_receive_count <= 1000 && floor(q.max_receive_count) == q.max_receive_count])
    error_message = "queues[*].max_receive_count must be a whole number from 1 to 1000."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.visibility_timeout_seconds == null ? true : q.visibility_timeout_seconds >= 6 && q.visibility_timeout_seconds <= 43200])
    error_message = "queues[*].visibility_timeout_seconds must be null or from 6 to 43200 (and at least 6 times the consumer's timeout)."
  }

  validation {
    condition = alltrue([for q in values(var.queues) : (
      q.message_retention_seconds >= 60 && q.message_retention_seconds <= 1209600 &&
      q.dlq_message_retention_seconds >= 60 && q.dlq_message_retention_seconds <= 1209600 &&
      q.dlq_message_retention_seconds > q.message_retention_seconds
    )])
    error_message = "queues[*] retention must be from 60 to 1209600 seconds, and dlq_message_retention_seconds must be longer than message_retention_seconds."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.max_message_size >= 1024 && q.max_message_size <= 262144 && floor(q.max_message_size) == q.max_message_size])
    error_message = "queues[*].max_message_size must be a whole number from 1024 to 262144 (the AWS provider 5.x ceiling)."
  }

  validation {
    condition = alltrue([for q in values(var.queues) : (
      q.batch_size >= 1 && q.batch_size <= 10000 &&
      q.maximum_batching_window_in_seconds >= 0 && q.maximum_batching_window_in_seconds <= 300 &&
      (q.batch_size <= 10 || q.maximum_batching_window_in_seconds >= 1)
    )])
    error_message = "queues[*].batch_size must be from 1 to 10000 (above 10 only with maximum_batching_window_in_seconds >= 1), and maximum_batching_window_in_seconds from 0 to 300."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.maximum_concurrency == null ? true : q.maximum_concurrency >= 2 && q.maximum_concurrency <= 1000])
    error_message = "queues[*].maximum_concurrency must be null or from 2 to 1000."
  }

  validation {
    condition     = try(var.queues["deliver"].maximum_concurrency, null) == null
    error_message = "queues.deliver.maximum_concurrency cannot be set: the deliver mapping's maximum concurrency is klaviyo.max_concurrency, which the deliver function also uses to split Klaviyo's rate limits between its instances."
  }
}

################################################################################
# Dedupe table
################################################################################

variable "dedupe_table" {
  description = "Dedupe table settings: point_in_time_recovery (default true), deletion_protection (default false, so that destroy works; turn it on in production), or existing_table_arn to bring a table created elsewhere (partition key pk of type S, TTL on expires_at), in which case the other two settings are the owner's."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool, false)
    existing_table_arn     = optional(string)
  })
  default = {}

  validation {
    condition     = var.dedupe_table.existing_table_arn == null || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", coalesce(var.dedupe_table.existing_table_arn, "x")))
    error_message = "dedupe_table.existing_table_arn must be null or a DynamoDB table ARN (arn:<partition>:dynamodb:<region>:<account>:table/<name>)."
  }
}

################################################################################
# API
################################################################################

variable "api" {
  description = "HTTP API settings: throttling_burst_limit (0 to 5000 requests) and throttling_rate_limit (0 to 10000 requests per second) of the $default stage, and access_log_retention_days (a CloudWatch retention value, or null for no access log)."
  type = object({
    throttling_burst_limit    = optional(number, 500)
    throttling_rate_limit     = optional(number, 1000)
    access_log_retention_days = optional(number, 30)
  })
  default = {}

  validation {
    condition     = var.api.throttling_burst_limit >= 0 && var.api.throttling_burst_limit <= 5000 && floor(var.api.throttling_burst_limit) == var.api.throttling_burst_limit
    error_message = "api.throttling_burst_limit must be a whole number from 0 to 5000."
  }

  validation {
    condition     = var.api.throttling_rate_limit >= 0 && var.api.throttling_rate_limit <= 10000
    error_message = "api.throttling_rate_limit must be from 0 to 10000 requests per second."
  }

  validation {
    condition     = var.api.access_log_retention_days == null || contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.api.access_log_retention_days, 30))
    error_message = "api.access_log_retention_days must be null (no access log) or a CloudWatch retention value such as 30."
  }
}

################################################################################
# Encryption
################################################################################

variable "payload_expiration_days" {
  description = "Days the payload bucket keeps a claim-checked message body (one larger than the queues take) before its lifecycle rule expires it; null for the longest queue retention plus the longest DLQ retention, plus a day, so a body outlives its message and that message's dead letter. At least that when set."
  type        = number
  default     = null

  validation {
    condition     = var.payload_expiration_days == null || (coalesce(var.payload_expiration_days, 1) >= 1 && coalesce(var.payload_expiration_days, 1) <= 3650 && floor(coalesce(var.payload_expiration_days, 1)) == coalesce(var.payload_expiration_days, 1))
    error_message = "payload_expiration_days must be null or a whole number from 1 to 3650."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for the queues, the payload bucket, the table, the log groups, the functions' environment and the configuration parameter (SecureString); null for AWS-managed encryption. The key policy must let CloudWatch Logs use the key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.kms_key_arn, "x")))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

################################################################################
# Alarms
################################################################################

variable "alarms" {
  description = "CloudWatch alarms: create (default true) makes DLQ-not-empty and oldest-message-age alarms per queue, errors and throttles per function, the ingest 5xx rate, Klaviyo auth failures, and sustained hydrate retries and Klaviyo server errors; sns_topic_arn is notified on ALARM and OK (null for none); queue_oldest_message_age_seconds from 60 to 1209600 (default 900); function_errors_threshold, errors in five minutes above which a function alarms, >= 0 (default 0); ingest_5xx_rate_percent from 0 to 100 (default 1) over five minutes with at least ingest_5xx_min_requests requests (>= 1, default 20); sustained_failures_threshold, hydrate retries or Klaviyo 5xx/timeouts per five minutes above which, three periods in a row, an alarm fires, >= 0 (default 10)."
  type = object({
    create                           = optional(bool, true)
    sns_topic_arn                    = optional(string)
    queue_oldest_message_age_seconds = optional(number, 900)
    function_errors_threshold        = optional(number, 0)
    ingest_5xx_rate_percent          = optional(number, 1)
    ingest_5xx_min_requests          = optional(number, 20)
    sustained_failures_threshold     = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.alarms.sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", coalesce(var.alarms.sns_topic_arn, "x")))
    error_message = "alarms.sns_topic_arn must be null or an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)."
  }

  validation {
    condition     = var.alarms.queue_oldest_message_age_seconds >= 60 && var.alarms.queue_oldest_message_age_seconds <= 1209600
    error_message = "alarms.queue_oldest_message_age_seconds must be from 60 to 1209600."
  }

  validation {
    condition     = var.alarms.function_errors_threshold >= 0 && floor(var.alarms.function_errors_threshold) == var.alarms.function_errors_threshold
    error_message = "alarms.function_errors_threshold must be a whole number >= 0."
  }

  validation {
    condition     = var.alarms.ingest_5xx_rate_percent >= 0 && var.alarms.ingest_5xx_rate_percent <= 100
    error_message = "alarms.ingest_5xx_rate_percent must be from 0 to 100."
  }

  validation {
    condition     = var.alarms.sustained_failures_threshold >= 0 && floor(var.alarms.sustained_failures_threshold) == var.alarms.sustained_failures_threshold
    error_message = "alarms.sustained_failures_threshold must be a whole number >= 0."
  }

  validation {
    condition     = var.alarms.ingest_5xx_min_requests >= 1 && floor(var.alarms.ingest_5xx_min_requests) == var.alarms.ingest_5xx_min_requests
    error_message = "alarms.ingest_5xx_min_requests must be a whole number >= 1."
  }
}

variable "create_dashboard" {
  description = "Whether to create a CloudWatch dashboard of the relay (webhooks by source and reason, queue depth and age, DLQs, Klaviyo requests, 429s and latency, delivered events against the budget, dead letters by reason)."
  type        = bool
  default     = true
}

variable "archive" {
  description = "Archive of accepted webhooks for relay replay: enabled (default false) makes a bucket that hydrate writes every webhook it handles to, retention_days (1 to 3650, default 90) how long they are kept, force_destroy (default false) whether a destroy may delete a bucket that still holds webhooks."
  type = object({
    enabled        = optional(bool, false)
    retention_days = optional(number, 90)
    force_destroy  = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.archive.retention_days >= 1 && var.archive.retention_days <= 3650 && floor(var.archive.retention_days) == var.archive.retention_days
    error_message = "archive.retention_days must be a whole number of days from 1 to 3650."
  }
}

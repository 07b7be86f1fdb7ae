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
# Configuration document (generated from relayConfigSchema() in functions/shared/config/relay-config.ts)
################################################################################

# BEGIN GENERATED CONFIGURATION: written by `npm run config:generate` from the zod schema; edit the schema
# (functions/shared/config/) or scripts/config-reference/terraform-rules.ts, not this part.

variable "sources" {
  description = "Webhook sources keyed by the {source} segment of their webhook URL, each with its sender kind, secret references, optional preset, hydration and mapping (see docs/configuration.md, docs/hydration.md and docs/mapping.md)."
  type = map(object({
    kind   = string
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
    max_body_bytes = optional(number)
    hydration = optional(object({
      base_url = optional(string)
      auth = optional(object({
        kind   = optional(string)
        header = optional(string)
        prefix = optional(string)
        secret = optional(object({
          ssm             = optional(string)
          secrets_manager = optional(string)
        }))
        user = optional(string)
        user_secret = optional(object({
          ssm             = optional(string)
          secrets_manager = optional(string)
        }))
        password = optional(object({
          ssm             = optional(string)
          secrets_manager = optional(string)
        }))
        param = optional(string)
      }))
      connections = optional(map(object({
        base_url = optional(string)
        auth = optional(object({
          kind   = optional(string)
          header = optional(string)
          prefix = optional(string)
          secret = optional(object({
            ssm             = optional(string)
            secrets_manager = optional(string)
          }))
          user = optional(string)
          user_secret = optional(object({
            ssm             = optional(string)
            secrets_manager = optional(string)
          }))
          password = optional(object({
            ssm             = optional(string)
            secrets_manager = optional(string)
          }))
          param = optional(string)
        }))
        params              = optional(map(string))
        timeout_ms          = optional(number)
        requests_per_second = optional(number)
      })))
      timeout_ms          = optional(number, 5000)
      requests_per_second = optional(number)
      steps = optional(list(object({
        name       = string
        connection = optional(string)
        method     = optional(string)
        path       = string
        params     = optional(map(string))
        body       = optional(string)
        when       = optional(string)
        for_each = optional(object({
          items       = string
          as          = optional(string)
          concurrency = optional(number)
          max_items   = optional(number)
        }))
        pick = optional(string)
        paginate = optional(object({
          items         = optional(string)
          next          = string
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
    mapping = optional(object({
      metric               = optional(string)
      metric_by_event_type = optional(map(string), {})
      profile = optional(object({
        id           = optional(list(string))
        email        = optional(list(string))
        phone_number = optional(list(string))
        external_id  = optional(list(string))
        as_of        = optional(string)
        sequence     = optional(string)
      }), {})
      filter         = optional(string)
      value          = optional(string)
      value_currency = optional(string)
      time           = optional(string)
      backfill       = optional(bool)
      include        = optional(list(string))
      properties     = optional(map(string))
      keep           = optional(map(string))
      extra          = optional(map(string))
      events = optional(list(object({
        id             = optional(string)
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
      emit_by_event_type = optional(map(string), {})
      subscriptions = optional(list(object({
        id          = string
        event_types = optional(list(string))
        when        = optional(string)
        channel     = string
        profile = optional(object({
          id           = optional(list(string))
          email        = optional(list(string))
          phone_number = optional(list(string))
          external_id  = optional(list(string))
        }))
        as_of        = optional(string)
        sequence     = optional(string)
        list         = optional(string)
        consented_at = optional(string)
      })))
      unsubscriptions = optional(list(object({
        id          = string
        event_types = optional(list(string))
        when        = optional(string)
        channel     = string
        profile = optional(object({
          id           = optional(list(string))
          email        = optional(list(string))
          phone_number = optional(list(string))
          external_id  = optional(list(string))
        }))
        as_of    = optional(string)
        sequence = optional(string)
        list     = optional(string)
      })))
      catalog = optional(list(object({
        id          = string
        event_types = optional(list(string))
        when        = optional(string)
        entity      = string
        operation   = optional(string)
        for_each    = optional(string)
        external_id = string
        fields = optional(object({
          title               = optional(string)
          description         = optional(string)
          url                 = optional(string)
          price               = optional(string)
          image_full_url      = optional(string)
          image_thumbnail_url = optional(string)
          images              = optional(string)
          custom_metadata     = optional(string)
          published           = optional(string)
          categories          = optional(string)
          item                = optional(string)
          sku                 = optional(string)
          inventory_quantity  = optional(string)
          inventory_policy    = optional(string)
          name                = optional(string)
          items               = optional(string)
        }))
        as_of = optional(string)
      })))
      records = optional(list(object({
        id          = string
        data_source = string
        event_types = optional(list(string))
        when        = optional(string)
        for_each    = optional(string)
        record_id   = string
        record      = map(string)
      })))
      back_in_stock = optional(list(object({
        id                  = string
        event_types         = optional(list(string))
        when                = optional(string)
        variant_external_id = string
        channels            = optional(list(string))
      })))
      list = optional(string)
    }), {})
    tolerance_seconds = optional(number)
    secret_header     = optional(string)
    delivery_id = optional(object({
      header = optional(string)
      path   = optional(string)
      value  = optional(string)
    }))
    signature = optional(object({
      header            = string
      algorithm         = optional(string, "sha256")
      encoding          = optional(string, "hex")
      prefix            = optional(string, "")
      timestamp_header  = optional(string)
      signed_content    = optional(string, "{body}")
      tolerance_seconds = optional(number, 300)
    }))
    scheme = optional(string)
    header = optional(string)
  }))

  validation {
    condition     = alltrue([for k in flatten([for m in [var.sources] : keys(m)]) : can(regex("^[a-z0-9][a-z0-9_-]{0,63}$", k))])
    error_message = "Each key of sources must be lowercase letters, digits, - and _ (^[a-z0-9][a-z0-9_-]{0,63}$)."
  }

  validation {
    condition     = alltrue([for v1 in flatten([for m in [var.sources] : values(m)]) : anytrue([(v1.kind == "shopify" && v1.secrets != null && v1.tolerance_seconds == null && v1.secret_header == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "stripe" && v1.secrets != null && v1.secret_header == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "standard-webhooks" && v1.secrets != null && v1.secret_header == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "klaviyo" && v1.secrets != null && v1.secret_header == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "klaviyo-flow" && v1.secrets != null && v1.tolerance_seconds == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "bigcommerce" && v1.secrets != null && v1.tolerance_seconds == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "woocommerce" && v1.secrets != null && v1.tolerance_seconds == null && v1.secret_header == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "zendesk" && v1.secrets != null && v1.secret_header == null && v1.delivery_id == null && v1.signature == null && v1.scheme == null && v1.header == null), (v1.kind == "generic-hmac" && v1.secrets != null && v1.tolerance_seconds == null && v1.secret_header == null && v1.signature != null && v1.scheme == null && v1.header == null), (v1.kind == "token" && v1.secrets != null && v1.tolerance_seconds == null && v1.secret_header == null && v1.signature == null)])])
    error_message = "Each of sources[*] sets only the fields of its kind (one of shopify, stripe, standard-webhooks, klaviyo, klaviyo-flow, bigcommerce, woocommerce, zendesk, generic-hmac, token): tolerance_seconds (stripe, standard-webhooks, klaviyo, zendesk); secret_header (klaviyo-flow, bigcommerce); delivery_id (klaviyo-flow, generic-hmac, token); signature (generic-hmac; required for generic-hmac); scheme (token); header (token)."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.kind if o.kind != null] : contains(["shopify", "stripe", "standard-webhooks", "klaviyo", "klaviyo-flow", "bigcommerce", "woocommerce", "zendesk", "generic-hmac", "token"], v2)])
    error_message = "sources[*].kind must be one of shopify, stripe, standard-webhooks, klaviyo, klaviyo-flow, bigcommerce, woocommerce, zendesk, generic-hmac, token."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.preset if o.preset != null] : contains(["shopify", "bigcommerce", "stripe", "woocommerce", "zendesk"], v2)])
    error_message = "sources[*].preset must be one of shopify, bigcommerce, stripe, woocommerce, zendesk."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.secrets if o.secrets != null] : length(v2) >= 1 && length(v2) <= 5])
    error_message = "sources[*].secrets must be a list of from 1 to 5 entries."
  }

  validation {
    condition     = alltrue([for v3 in flatten([for o in flatten([for m in [var.sources] : values(m)]) : o.secrets if o.secrets != null]) : anytrue([(v3.ssm != null && v3.secrets_manager == null), (v3.ssm == null && v3.secrets_manager != null)])])
    error_message = "Each sources[*].secrets[*] must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v4 in [for o in flatten([for o in flatten([for m in [var.sources] : values(m)]) : o.secrets if o.secrets != null]) : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v4))])
    error_message = "sources[*].secrets[*].ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in flatten([for o in flatten([for m in [var.sources] : values(m)]) : o.secrets if o.secrets != null]) : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v4))])
    error_message = "sources[*].secrets[*].secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.event_type if o.event_type != null] : anytrue([(v2.header != null && v2.path == null && v2.value == null), (v2.header == null && v2.path != null && v2.value == null), (v2.header == null && v2.path == null && v2.value != null)])])
    error_message = "Each sources[*].event_type must set the fields of exactly one of: { header } or { path } or { value }, and no other."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.event_type if o.event_type != null] : o.header if o.header != null] : length(v3) >= 1])
    error_message = "sources[*].event_type.header must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.event_type if o.event_type != null] : o.path if o.path != null] : length(v3) >= 1])
    error_message = "sources[*].event_type.path must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.event_type if o.event_type != null] : o.value if o.value != null] : length(v3) >= 1])
    error_message = "sources[*].event_type.value must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.max_body_bytes if o.max_body_bytes != null] : v2 >= 1024 && v2 <= 5242880 && floor(v2) == v2])
    error_message = "sources[*].max_body_bytes must be a whole number from 1024 to 5242880."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.base_url if o.base_url != null] : length(v3) <= 2048])
    error_message = "sources[*].hydration.base_url must be at most 2048 characters."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : anytrue([((v3.kind == null || v3.kind == "header") && v3.header != null && v3.secret != null && v3.user == null && v3.user_secret == null && v3.password == null && v3.param == null), (v3.kind == "bearer" && v3.header == null && v3.prefix == null && v3.secret != null && v3.user == null && v3.user_secret == null && v3.password == null && v3.param == null), (v3.kind == "basic" && v3.header == null && v3.prefix == null && v3.secret == null && v3.password != null && v3.param == null), (v3.kind == "query" && v3.header == null && v3.prefix == null && v3.secret != null && v3.user == null && v3.user_secret == null && v3.password == null && v3.param != null)])])
    error_message = "Each sources[*].hydration.auth must set the fields of exactly one of: { header, secret, optional kind = \"header\", optional prefix } or { kind = \"bearer\", secret } or { kind = \"basic\", password, optional user, optional user_secret } or { kind = \"query\", param, secret }, and no other."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.kind if o.kind != null] : contains(["header", "bearer", "basic", "query"], v4)])
    error_message = "sources[*].hydration.auth.kind must be one of header, bearer, basic, query."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.header if o.header != null] : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", v4))])
    error_message = "sources[*].hydration.auth.header must be an HTTP header name (^[A-Za-z0-9!#$%&'*+.^_`|~-]+$)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.secret if o.secret != null] : anytrue([(v4.ssm != null && v4.secrets_manager == null), (v4.ssm == null && v4.secrets_manager != null)])])
    error_message = "Each sources[*].hydration.auth.secret must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v5 in [for o in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.secret if o.secret != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v5))])
    error_message = "sources[*].hydration.auth.secret.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.secret if o.secret != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v5))])
    error_message = "sources[*].hydration.auth.secret.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.user if o.user != null] : can(regex("^[^:]*$", v4))])
    error_message = "sources[*].hydration.auth.user must be a user name without \":\" (^[^:]*$)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.user_secret if o.user_secret != null] : anytrue([(v4.ssm != null && v4.secrets_manager == null), (v4.ssm == null && v4.secrets_manager != null)])])
    error_message = "Each sources[*].hydration.auth.user_secret must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v5 in [for o in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.user_secret if o.user_secret != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v5))])
    error_message = "sources[*].hydration.auth.user_secret.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.user_secret if o.user_secret != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v5))])
    error_message = "sources[*].hydration.auth.user_secret.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.password if o.password != null] : anytrue([(v4.ssm != null && v4.secrets_manager == null), (v4.ssm == null && v4.secrets_manager != null)])])
    error_message = "Each sources[*].hydration.auth.password must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v5 in [for o in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.password if o.password != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v5))])
    error_message = "sources[*].hydration.auth.password.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.password if o.password != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v5))])
    error_message = "sources[*].hydration.auth.password.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.auth if o.auth != null] : o.param if o.param != null] : can(regex("^[A-Za-z0-9_.~-]+$", v4))])
    error_message = "sources[*].hydration.auth.param must be a query parameter name (^[A-Za-z0-9_.~-]+$)."
  }

  validation {
    condition     = alltrue([for k in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : keys(m)]) : can(regex("^[a-z][a-z0-9_]*$", k))])
    error_message = "Each key of sources[*].hydration.connections must be lower_snake_case (^[a-z][a-z0-9_]*$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.base_url if o.base_url != null] : length(v5) <= 2048])
    error_message = "sources[*].hydration.connections[*].base_url must be at most 2048 characters."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : anytrue([((v5.kind == null || v5.kind == "header") && v5.header != null && v5.secret != null && v5.user == null && v5.user_secret == null && v5.password == null && v5.param == null), (v5.kind == "bearer" && v5.header == null && v5.prefix == null && v5.secret != null && v5.user == null && v5.user_secret == null && v5.password == null && v5.param == null), (v5.kind == "basic" && v5.header == null && v5.prefix == null && v5.secret == null && v5.password != null && v5.param == null), (v5.kind == "query" && v5.header == null && v5.prefix == null && v5.secret != null && v5.user == null && v5.user_secret == null && v5.password == null && v5.param != null)])])
    error_message = "Each sources[*].hydration.connections[*].auth must set the fields of exactly one of: { header, secret, optional kind = \"header\", optional prefix } or { kind = \"bearer\", secret } or { kind = \"basic\", password, optional user, optional user_secret } or { kind = \"query\", param, secret }, and no other."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.kind if o.kind != null] : contains(["header", "bearer", "basic", "query"], v6)])
    error_message = "sources[*].hydration.connections[*].auth.kind must be one of header, bearer, basic, query."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.header if o.header != null] : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", v6))])
    error_message = "sources[*].hydration.connections[*].auth.header must be an HTTP header name (^[A-Za-z0-9!#$%&'*+.^_`|~-]+$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.secret if o.secret != null] : anytrue([(v6.ssm != null && v6.secrets_manager == null), (v6.ssm == null && v6.secrets_manager != null)])])
    error_message = "Each sources[*].hydration.connections[*].auth.secret must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v7 in [for o in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.secret if o.secret != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v7))])
    error_message = "sources[*].hydration.connections[*].auth.secret.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v7 in [for o in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.secret if o.secret != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v7))])
    error_message = "sources[*].hydration.connections[*].auth.secret.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.user if o.user != null] : can(regex("^[^:]*$", v6))])
    error_message = "sources[*].hydration.connections[*].auth.user must be a user name without \":\" (^[^:]*$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.user_secret if o.user_secret != null] : anytrue([(v6.ssm != null && v6.secrets_manager == null), (v6.ssm == null && v6.secrets_manager != null)])])
    error_message = "Each sources[*].hydration.connections[*].auth.user_secret must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v7 in [for o in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.user_secret if o.user_secret != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v7))])
    error_message = "sources[*].hydration.connections[*].auth.user_secret.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v7 in [for o in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.user_secret if o.user_secret != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v7))])
    error_message = "sources[*].hydration.connections[*].auth.user_secret.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.password if o.password != null] : anytrue([(v6.ssm != null && v6.secrets_manager == null), (v6.ssm == null && v6.secrets_manager != null)])])
    error_message = "Each sources[*].hydration.connections[*].auth.password must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v7 in [for o in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.password if o.password != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v7))])
    error_message = "sources[*].hydration.connections[*].auth.password.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v7 in [for o in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.password if o.password != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v7))])
    error_message = "sources[*].hydration.connections[*].auth.password.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.auth if o.auth != null] : o.param if o.param != null] : can(regex("^[A-Za-z0-9_.~-]+$", v6))])
    error_message = "sources[*].hydration.connections[*].auth.param must be a query parameter name (^[A-Za-z0-9_.~-]+$)."
  }

  validation {
    condition     = alltrue([for k in flatten([for m in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.params if o.params != null] : keys(m)]) : can(regex("^[a-z][a-z0-9_]*$", k))])
    error_message = "Each key of sources[*].hydration.connections[*].params must be lower_snake_case (^[a-z][a-z0-9_]*$)."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for m in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.params if o.params != null] : values(m)]) : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.connections[*].params[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.timeout_ms if o.timeout_ms != null] : v5 >= 100 && v5 <= 30000 && floor(v5) == v5])
    error_message = "sources[*].hydration.connections[*].timeout_ms must be a whole number from 100 to 30000."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.connections if o.connections != null] : values(m)]) : o.requests_per_second if o.requests_per_second != null] : v5 >= 0.1 && v5 <= 1000])
    error_message = "sources[*].hydration.connections[*].requests_per_second must be a number from 0.1 to 1000."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.timeout_ms if o.timeout_ms != null] : v3 >= 100 && v3 <= 30000 && floor(v3) == v3])
    error_message = "sources[*].hydration.timeout_ms must be a whole number from 100 to 30000."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.requests_per_second if o.requests_per_second != null] : v3 >= 0.1 && v3 <= 1000])
    error_message = "sources[*].hydration.requests_per_second must be a number from 0.1 to 1000."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].hydration.steps must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.name if o.name != null] : can(regex("^[a-z][a-z0-9_]*$", v5))])
    error_message = "sources[*].hydration.steps[*].name must be lower_snake_case (^[a-z][a-z0-9_]*$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.connection if o.connection != null] : can(regex("^[a-z][a-z0-9_]*$", v5))])
    error_message = "sources[*].hydration.steps[*].connection must be lower_snake_case (^[a-z][a-z0-9_]*$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.method if o.method != null] : contains(["GET", "POST"], v5)])
    error_message = "sources[*].hydration.steps[*].method must be one of GET, POST."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.path if o.path != null] : length(v5) <= 2048 && can(regex("^\\/.*", v5))])
    error_message = "sources[*].hydration.steps[*].path must be at most 2048 characters, matching ^\\/.*."
  }

  validation {
    condition     = alltrue([for k in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.params if o.params != null] : keys(m)]) : can(regex("^[a-z][a-z0-9_]*$", k))])
    error_message = "Each key of sources[*].hydration.steps[*].params must be lower_snake_case (^[a-z][a-z0-9_]*$)."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.params if o.params != null] : values(m)]) : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.steps[*].params[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.body if o.body != null] : can(jsondecode(v5))])
    error_message = "sources[*].hydration.steps[*].body must be JSON text (jsonencode({ … }))."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.when if o.when != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].hydration.steps[*].when must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.for_each if o.for_each != null] : o.items if o.items != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.steps[*].for_each.items must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.for_each if o.for_each != null] : o.as if o.as != null] : can(regex("^[a-z][a-z0-9_]*$", v6))])
    error_message = "sources[*].hydration.steps[*].for_each.as must be lower_snake_case (^[a-z][a-z0-9_]*$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.for_each if o.for_each != null] : o.concurrency if o.concurrency != null] : v6 >= 1 && v6 <= 10 && floor(v6) == v6])
    error_message = "sources[*].hydration.steps[*].for_each.concurrency must be a whole number from 1 to 10."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.for_each if o.for_each != null] : o.max_items if o.max_items != null] : v6 >= 1 && v6 <= 250 && floor(v6) == v6])
    error_message = "sources[*].hydration.steps[*].for_each.max_items must be a whole number from 1 to 250."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.pick if o.pick != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].hydration.steps[*].pick must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.items if o.items != null] : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.steps[*].paginate.items must be a dot path such as data (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.next if o.next != null] : contains(["link_header", "next_url", "cursor"], v6)])
    error_message = "sources[*].hydration.steps[*].paginate.next must be one of link_header, next_url, cursor."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.next_url_path if o.next_url_path != null] : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.steps[*].paginate.next_url_path must be a dot path (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.has_more_path if o.has_more_path != null] : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.steps[*].paginate.has_more_path must be a dot path (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.cursor_param if o.cursor_param != null] : can(regex("^[A-Za-z0-9_.~[\\]-]+$", v6))])
    error_message = "sources[*].hydration.steps[*].paginate.cursor_param must be a query parameter name (^[A-Za-z0-9_.~[\\]-]+$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.cursor_path if o.cursor_path != null] : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].hydration.steps[*].paginate.cursor_path must be a dot path (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.paginate if o.paginate != null] : o.max_pages if o.max_pages != null] : v6 >= 1 && v6 <= 50 && floor(v6) == v6])
    error_message = "sources[*].hydration.steps[*].paginate.max_pages must be a whole number from 1 to 50."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.hydration if o.hydration != null] : o.steps if o.steps != null]) : o.cache_ttl_seconds if o.cache_ttl_seconds != null] : v5 >= 0 && v5 <= 3600 && floor(v5) == v5])
    error_message = "sources[*].hydration.steps[*].cache_ttl_seconds must be a whole number from 0 to 3600."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.metric if o.metric != null] : startswith(v3, "=") ? length(trimspace(substr(v3, 1, -1))) >= 1 && length(trimspace(substr(v3, 1, -1))) <= 4096 : length(v3) >= 1 && length(v3) <= 128])
    error_message = "sources[*].mapping.metric must be from 1 to 128 characters, or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.metric_by_event_type if o.metric_by_event_type != null] : values(m)]) : length(v4) >= 1 && length(v4) <= 128])
    error_message = "sources[*].mapping.metric_by_event_type[*] must be from 1 to 128 characters."
  }

  validation {
    condition     = alltrue([for v5 in flatten([for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile if o.profile != null] : o.id if o.id != null]) : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.profile.id[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in flatten([for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile if o.profile != null] : o.email if o.email != null]) : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.profile.email[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in flatten([for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile if o.profile != null] : o.phone_number if o.phone_number != null]) : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.profile.phone_number[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in flatten([for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile if o.profile != null] : o.external_id if o.external_id != null]) : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.profile.external_id[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile if o.profile != null] : o.as_of if o.as_of != null] : startswith(v4, "=") ? length(trimspace(substr(v4, 1, -1))) >= 1 && length(trimspace(substr(v4, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v4))])
    error_message = "sources[*].mapping.profile.as_of must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v4 in [for o in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile if o.profile != null] : o.sequence if o.sequence != null] : startswith(v4, "=") ? length(trimspace(substr(v4, 1, -1))) >= 1 && length(trimspace(substr(v4, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v4))])
    error_message = "sources[*].mapping.profile.sequence must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.filter if o.filter != null] : startswith(v3, "=") ? length(trimspace(substr(v3, 1, -1))) >= 1 && length(trimspace(substr(v3, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v3))])
    error_message = "sources[*].mapping.filter must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.value if o.value != null] : startswith(v3, "=") ? length(trimspace(substr(v3, 1, -1))) >= 1 && length(trimspace(substr(v3, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v3))])
    error_message = "sources[*].mapping.value must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.value_currency if o.value_currency != null] : startswith(v3, "=") ? length(trimspace(substr(v3, 1, -1))) >= 1 && length(trimspace(substr(v3, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v3))])
    error_message = "sources[*].mapping.value_currency must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.time if o.time != null] : startswith(v3, "=") ? length(trimspace(substr(v3, 1, -1))) >= 1 && length(trimspace(substr(v3, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v3))])
    error_message = "sources[*].mapping.time must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.include if o.include != null]) : length(v4) >= 1])
    error_message = "sources[*].mapping.include[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.properties if o.properties != null] : values(m)]) : startswith(v4, "=") ? length(trimspace(substr(v4, 1, -1))) >= 1 && length(trimspace(substr(v4, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v4))])
    error_message = "sources[*].mapping.properties[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.keep if o.keep != null] : values(m)]) : startswith(v4, "=") ? length(trimspace(substr(v4, 1, -1))) >= 1 && length(trimspace(substr(v4, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v4))])
    error_message = "sources[*].mapping.keep[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.extra if o.extra != null] : values(m)]) : startswith(v4, "=") ? length(trimspace(substr(v4, 1, -1))) >= 1 && length(trimspace(substr(v4, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v4))])
    error_message = "sources[*].mapping.extra[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].mapping.events must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.id if o.id != null] : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", v5))])
    error_message = "sources[*].mapping.events[*].id must be lower_snake_case (^[a-z0-9][a-z0-9_-]{0,39}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.event_types if o.event_types != null] : length(v5) >= 1])
    error_message = "sources[*].mapping.events[*].event_types must be a list of at least 1 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.event_types if o.event_types != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.events[*].event_types[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.metric if o.metric != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : length(v5) >= 1 && length(v5) <= 128])
    error_message = "sources[*].mapping.events[*].metric must be from 1 to 128 characters, or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.for_each if o.for_each != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.events[*].for_each must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.key if o.key != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.events[*].key must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.filter if o.filter != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.events[*].filter must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.value if o.value != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.events[*].value must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.value_currency if o.value_currency != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.events[*].value_currency must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.time if o.time != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.events[*].time must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.include if o.include != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.events[*].include[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.properties if o.properties != null] : values(m)]) : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.events[*].properties[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.keep if o.keep != null] : values(m)]) : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.events[*].keep[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.events if o.events != null]) : o.extra if o.extra != null] : values(m)]) : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.events[*].extra[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for k in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile_attributes if o.profile_attributes != null] : keys(m)]) : can(regex("^(first_name|last_name|organization|locale|title|image|location\\.(address1|address2|city|country|latitude|longitude|region|zip|timezone|ip)|properties\\.[^.\\s][^.]{0,99})$", k))])
    error_message = "Each key of sources[*].mapping.profile_attributes must be a profile attribute: first_name, last_name, organization, locale, title, image, location.<field> or properties.<name> (^(first_name|last_name|organization|locale|title|image|location\\.(address1|address2|city|country|latitude|longitude|region|zip|timezone|ip)|properties\\.[^.\\s][^.]{0,99})$)."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.profile_attributes if o.profile_attributes != null] : values(m)]) : startswith(v4, "=") ? length(trimspace(substr(v4, 1, -1))) >= 1 && length(trimspace(substr(v4, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v4))])
    error_message = "sources[*].mapping.profile_attributes[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.emit if o.emit != null] : contains(["event", "profile", "both", "none"], v3)])
    error_message = "sources[*].mapping.emit must be one of event, profile, both, none."
  }

  validation {
    condition     = alltrue([for v4 in flatten([for m in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.emit_by_event_type if o.emit_by_event_type != null] : values(m)]) : contains(["event", "profile", "both", "none"], v4)])
    error_message = "sources[*].mapping.emit_by_event_type[*] must be one of event, profile, both, none."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].mapping.subscriptions must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.id if o.id != null] : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", v5))])
    error_message = "sources[*].mapping.subscriptions[*].id must be lower_snake_case (^[a-z0-9][a-z0-9_-]{0,39}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.event_types if o.event_types != null] : length(v5) >= 1])
    error_message = "sources[*].mapping.subscriptions[*].event_types must be a list of at least 1 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.event_types if o.event_types != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.subscriptions[*].event_types[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.when if o.when != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.subscriptions[*].when must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.channel if o.channel != null] : contains(["email", "sms"], v5)])
    error_message = "sources[*].mapping.subscriptions[*].channel must be one of email, sms."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.profile if o.profile != null] : o.id if o.id != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.subscriptions[*].profile.id[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.profile if o.profile != null] : o.email if o.email != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.subscriptions[*].profile.email[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.profile if o.profile != null] : o.phone_number if o.phone_number != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.subscriptions[*].profile.phone_number[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.profile if o.profile != null] : o.external_id if o.external_id != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.subscriptions[*].profile.external_id[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.as_of if o.as_of != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.subscriptions[*].as_of must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.sequence if o.sequence != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.subscriptions[*].sequence must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.list if o.list != null] : can(regex("^[A-Za-z0-9_-]{1,64}$", v5))])
    error_message = "sources[*].mapping.subscriptions[*].list must be a list name from klaviyo.lists, or a Klaviyo list id (^[A-Za-z0-9_-]{1,64}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.subscriptions if o.subscriptions != null]) : o.consented_at if o.consented_at != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.subscriptions[*].consented_at must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].mapping.unsubscriptions must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.id if o.id != null] : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", v5))])
    error_message = "sources[*].mapping.unsubscriptions[*].id must be lower_snake_case (^[a-z0-9][a-z0-9_-]{0,39}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.event_types if o.event_types != null] : length(v5) >= 1])
    error_message = "sources[*].mapping.unsubscriptions[*].event_types must be a list of at least 1 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.event_types if o.event_types != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.unsubscriptions[*].event_types[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.when if o.when != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.unsubscriptions[*].when must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.channel if o.channel != null] : contains(["email", "sms"], v5)])
    error_message = "sources[*].mapping.unsubscriptions[*].channel must be one of email, sms."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.profile if o.profile != null] : o.id if o.id != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.unsubscriptions[*].profile.id[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.profile if o.profile != null] : o.email if o.email != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.unsubscriptions[*].profile.email[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.profile if o.profile != null] : o.phone_number if o.phone_number != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.unsubscriptions[*].profile.phone_number[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v7 in flatten([for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.profile if o.profile != null] : o.external_id if o.external_id != null]) : startswith(v7, "=") ? length(trimspace(substr(v7, 1, -1))) >= 1 && length(trimspace(substr(v7, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v7))])
    error_message = "sources[*].mapping.unsubscriptions[*].profile.external_id[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.as_of if o.as_of != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.unsubscriptions[*].as_of must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.sequence if o.sequence != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.unsubscriptions[*].sequence must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.unsubscriptions if o.unsubscriptions != null]) : o.list if o.list != null] : can(regex("^[A-Za-z0-9_-]{1,64}$", v5))])
    error_message = "sources[*].mapping.unsubscriptions[*].list must be a list name from klaviyo.lists, or a Klaviyo list id (^[A-Za-z0-9_-]{1,64}$)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].mapping.catalog must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.id if o.id != null] : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", v5))])
    error_message = "sources[*].mapping.catalog[*].id must be lower_snake_case (^[a-z0-9][a-z0-9_-]{0,39}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.event_types if o.event_types != null] : length(v5) >= 1])
    error_message = "sources[*].mapping.catalog[*].event_types must be a list of at least 1 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.event_types if o.event_types != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.catalog[*].event_types[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.when if o.when != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.catalog[*].when must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.entity if o.entity != null] : contains(["item", "variant", "category"], v5)])
    error_message = "sources[*].mapping.catalog[*].entity must be one of item, variant, category."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.operation if o.operation != null] : contains(["upsert", "delete"], v5)])
    error_message = "sources[*].mapping.catalog[*].operation must be one of upsert, delete."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.for_each if o.for_each != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.catalog[*].for_each must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.external_id if o.external_id != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.catalog[*].external_id must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.title if o.title != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.title must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.description if o.description != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.description must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.url if o.url != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.url must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.price if o.price != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.price must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.image_full_url if o.image_full_url != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.image_full_url must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.image_thumbnail_url if o.image_thumbnail_url != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.image_thumbnail_url must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.images if o.images != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.images must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.custom_metadata if o.custom_metadata != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.custom_metadata must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.published if o.published != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.published must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.categories if o.categories != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.categories must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.item if o.item != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.item must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.sku if o.sku != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.sku must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.inventory_quantity if o.inventory_quantity != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.inventory_quantity must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.inventory_policy if o.inventory_policy != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.inventory_policy must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.name if o.name != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.name must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v6 in [for o in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.fields if o.fields != null] : o.items if o.items != null] : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.catalog[*].fields.items must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.catalog if o.catalog != null]) : o.as_of if o.as_of != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.catalog[*].as_of must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].mapping.records must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.id if o.id != null] : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", v5))])
    error_message = "sources[*].mapping.records[*].id must be lower_snake_case (^[a-z0-9][a-z0-9_-]{0,39}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.data_source if o.data_source != null] : can(regex("^[A-Za-z0-9]{1,64}$", v5))])
    error_message = "sources[*].mapping.records[*].data_source must be a Klaviyo data source id (relay data-source create prints it) (^[A-Za-z0-9]{1,64}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.event_types if o.event_types != null] : length(v5) >= 1])
    error_message = "sources[*].mapping.records[*].event_types must be a list of at least 1 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.event_types if o.event_types != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.records[*].event_types[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.when if o.when != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.records[*].when must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.for_each if o.for_each != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.records[*].for_each must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.record_id if o.record_id != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.records[*].record_id must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for k in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.record if o.record != null] : keys(m)]) : length(k) >= 1 && length(k) <= 100])
    error_message = "Each key of sources[*].mapping.records[*].record must be from 1 to 100 characters."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for m in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.records if o.records != null]) : o.record if o.record != null] : values(m)]) : startswith(v6, "=") ? length(trimspace(substr(v6, 1, -1))) >= 1 && length(trimspace(substr(v6, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v6))])
    error_message = "sources[*].mapping.records[*].record[*] must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null] : length(v3) >= 1 && length(v3) <= 10])
    error_message = "sources[*].mapping.back_in_stock must be a list of from 1 to 10 entries."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.id if o.id != null] : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", v5))])
    error_message = "sources[*].mapping.back_in_stock[*].id must be lower_snake_case (^[a-z0-9][a-z0-9_-]{0,39}$)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.event_types if o.event_types != null] : length(v5) >= 1])
    error_message = "sources[*].mapping.back_in_stock[*].event_types must be a list of at least 1 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.event_types if o.event_types != null]) : length(v6) >= 1])
    error_message = "sources[*].mapping.back_in_stock[*].event_types[*] must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.when if o.when != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.back_in_stock[*].when must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.variant_external_id if o.variant_external_id != null] : startswith(v5, "=") ? length(trimspace(substr(v5, 1, -1))) >= 1 && length(trimspace(substr(v5, 1, -1))) <= 4096 : can(regex("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$", v5))])
    error_message = "sources[*].mapping.back_in_stock[*].variant_external_id must be a dot path such as customer.email (^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$), or \"=\" followed by a JSONata expression (from 1 to 4096 characters)."
  }

  validation {
    condition     = alltrue([for v5 in [for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.channels if o.channels != null] : length(v5) >= 1 && length(v5) <= 2])
    error_message = "sources[*].mapping.back_in_stock[*].channels must be a list of from 1 to 2 entries."
  }

  validation {
    condition     = alltrue([for v6 in flatten([for o in flatten([for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.back_in_stock if o.back_in_stock != null]) : o.channels if o.channels != null]) : contains(["EMAIL", "SMS"], v6)])
    error_message = "sources[*].mapping.back_in_stock[*].channels[*] must be one of EMAIL, SMS."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.mapping if o.mapping != null] : o.list if o.list != null] : can(regex("^[A-Za-z0-9_-]{1,64}$", v3))])
    error_message = "sources[*].mapping.list must be a list name from klaviyo.lists, or a Klaviyo list id (^[A-Za-z0-9_-]{1,64}$)."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.tolerance_seconds if o.tolerance_seconds != null] : v2 >= 1 && v2 <= 86400 && floor(v2) == v2])
    error_message = "sources[*].tolerance_seconds must be a whole number from 1 to 86400."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.secret_header if o.secret_header != null] : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", v2))])
    error_message = "sources[*].secret_header must be an HTTP header name (^[A-Za-z0-9!#$%&'*+.^_`|~-]+$)."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.delivery_id if o.delivery_id != null] : anytrue([(v2.header != null && v2.path == null && v2.value == null), (v2.header == null && v2.path != null && v2.value == null), (v2.header == null && v2.path == null && v2.value != null)])])
    error_message = "Each sources[*].delivery_id must set the fields of exactly one of: { header } or { path } or { value }, and no other."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.delivery_id if o.delivery_id != null] : o.header if o.header != null] : length(v3) >= 1])
    error_message = "sources[*].delivery_id.header must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.delivery_id if o.delivery_id != null] : o.path if o.path != null] : length(v3) >= 1])
    error_message = "sources[*].delivery_id.path must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.delivery_id if o.delivery_id != null] : o.value if o.value != null] : length(v3) >= 1])
    error_message = "sources[*].delivery_id.value must be at least 1 character."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.signature if o.signature != null] : o.header if o.header != null] : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", v3))])
    error_message = "sources[*].signature.header must be an HTTP header name (^[A-Za-z0-9!#$%&'*+.^_`|~-]+$)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.signature if o.signature != null] : o.algorithm if o.algorithm != null] : contains(["sha1", "sha256", "sha512"], v3)])
    error_message = "sources[*].signature.algorithm must be one of sha1, sha256, sha512."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.signature if o.signature != null] : o.encoding if o.encoding != null] : contains(["hex", "base64"], v3)])
    error_message = "sources[*].signature.encoding must be one of hex, base64."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.signature if o.signature != null] : o.timestamp_header if o.timestamp_header != null] : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", v3))])
    error_message = "sources[*].signature.timestamp_header must be an HTTP header name (^[A-Za-z0-9!#$%&'*+.^_`|~-]+$)."
  }

  validation {
    condition     = alltrue([for v3 in [for o in [for o in flatten([for m in [var.sources] : values(m)]) : o.signature if o.signature != null] : o.tolerance_seconds if o.tolerance_seconds != null] : v3 >= 1 && v3 <= 86400 && floor(v3) == v3])
    error_message = "sources[*].signature.tolerance_seconds must be a whole number from 1 to 86400."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.scheme if o.scheme != null] : contains(["bearer", "basic"], v2)])
    error_message = "sources[*].scheme must be one of bearer, basic."
  }

  validation {
    condition     = alltrue([for v2 in [for o in flatten([for m in [var.sources] : values(m)]) : o.header if o.header != null] : can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", v2))])
    error_message = "sources[*].header must be an HTTP header name (^[A-Za-z0-9!#$%&'*+.^_`|~-]+$)."
  }

  validation {
    # presets/resolve.ts (checkPreset): each preset reads the webhooks of the sender of its name.
    condition     = alltrue([for s in values(var.sources) : s.preset == null || lookup({ shopify = "shopify", bigcommerce = "bigcommerce", stripe = "stripe", woocommerce = "woocommerce", zendesk = "zendesk" }, coalesce(s.preset, "-"), s.kind) == s.kind])
    error_message = "A source's preset must fit its kind: each preset reads the webhooks of the sender of the same name (the shopify preset a shopify source, and so on)."
  }

  validation {
    # What each preset asks the source for (`requires` in functions/shared/config/presets/).
    condition     = alltrue([for s in values(var.sources) : ((s.preset != "bigcommerce" || try(s.hydration.connections.store.auth, null) != null) && (s.preset != "stripe" || try(s.hydration.connections.stripe.auth, null) != null) && (s.preset != "zendesk" || (try(s.hydration.connections.zendesk.auth, null) != null && try(s.hydration.connections.zendesk.base_url, null) != null)))])
    error_message = "A preset's credential must be given: bigcommerce needs hydration.connections.store.auth (X-Auth-Token), stripe hydration.connections.stripe.auth (bearer API key), zendesk hydration.connections.zendesk.base_url and auth (see docs/presets/)."
  }

  validation {
    # config/source-verification.ts, hmacSignatureSchema: {body} once; a timestamp header only when signed.
    condition     = alltrue([for s in values(var.sources) : s.signature == null ? true : (length(split("{body}", coalesce(s.signature.signed_content, "{body}"))) == 2 && (strcontains(coalesce(s.signature.signed_content, "{body}"), "{timestamp}") ? s.signature.timestamp_header != null : true) && (s.signature.timestamp_header == null ? true : strcontains(coalesce(s.signature.signed_content, "{body}"), "{timestamp}")))])
    error_message = "signature.signed_content must contain {body} exactly once (default {body}); when it uses {timestamp}, signature.timestamp_header is required; and when signature.timestamp_header is set, signed_content must include {timestamp} (an unsigned timestamp could be rewritten to pass the tolerance)."
  }

  validation {
    # config/hydration.ts, hydrationSchema: one connection or several; steps unless a preset gives them.
    condition     = alltrue([for s in values(var.sources) : s.hydration == null ? true : ((s.hydration.base_url == null) != (s.hydration.connections == null) && (s.hydration.connections == null || s.hydration.auth == null) && (s.hydration.steps != null || s.preset != null) && (s.preset != null || alltrue([for c in(s.hydration.connections == null ? [] : values(s.hydration.connections)) : c.base_url != null])) && (s.hydration.connections == null ? true : length(coalesce(s.hydration.connections, {})) >= 1 && length(coalesce(s.hydration.connections, {})) <= 10))])
    error_message = "hydration needs either base_url (with auth) or connections (1 to 10, each with its own base_url and auth), and steps; with a preset, steps and a connection's base_url may be left out (the preset's are used)."
  }

  validation {
    # config/hydration-connection.ts, isBaseUrlTemplate: https (or http to loopback) once {placeholders} are filled, a valid port; a placeholder in the host is its whole first label under a fixed domain of two labels or more (that the fixed part is registrable, not a public suffix such as co.uk, needs the Public Suffix List: hydrate checks it).
    condition     = alltrue(flatten([for s in values(var.sources) : s.hydration == null ? [] : [for u in concat(s.hydration.base_url == null ? [] : [s.hydration.base_url], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.base_url if c.base_url != null]) : can(regex("^(https://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?|http://(localhost|127(\\.[0-9]{1,3}){3}|\\[::1\\])(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?)([/?#][^\\s]*)?$", replace(u, "/\\{[^{}]+\\}/", "x"))) && (!can(regex("^[a-z]+://[^/?#]*\\{", u)) || can(regex("^[a-z]+://\\{[^{}/?#@:]+\\}(\\.[A-Za-z0-9-]+){2,}(:[0-9]{1,5})?([/?#].*)?$", u)))]]))
    error_message = "Every hydration base URL must be https (or http to loopback, 127.0.0.0/8, [::1] or localhost, for local mode) once its {placeholders} are filled, with a port from 0 to 65535; a placeholder in its host must be its whole first label, under a fixed registrable domain, e.g. https://{meta.shop}.myshopify.com (the configuration, not the webhook, decides which domain gets the credential)."
  }

  validation {
    # config/hydration-auth.ts, hydrationAuthSchema: basic auth names its user one way.
    condition     = alltrue(flatten([for s in values(var.sources) : [for a in(s.hydration == null ? [] : concat(s.hydration.auth == null ? [] : [s.hydration.auth], s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null])) : a.kind != "basic" || ((a.user == null) != (a.user_secret == null))]]))
    error_message = "A basic hydration auth needs exactly one of user or user_secret."
  }

  validation {
    # config/hydration-step.ts, hydrationStepSchema; config/hydration.ts, stepsNameTheirConnection.
    condition     = alltrue(flatten([for s in values(var.sources) : [for st in(s.hydration == null ? [] : (s.hydration.steps == null ? [] : s.hydration.steps)) : (st.connection == null ? (s.hydration.connections == null ? true : length(s.hydration.connections) == 1) : (s.hydration.connections == null ? st.connection == "default" : contains(keys(s.hydration.connections), st.connection))) && (st.body == null || coalesce(st.method, "GET") == "POST") && (st.paginate == null || coalesce(st.method, "GET") == "GET") && (st.for_each == null || try(st.for_each.as, null) != "params")]]))
    error_message = "Each hydration step names a configured connection (it may leave it out when there is exactly one), has a body only with method POST, paginate only with GET, and a for_each.as other than params."
  }

  validation {
    # config/hydration-pagination.ts, paginationSchema: what each kind of next needs.
    condition     = alltrue(flatten([for s in values(var.sources) : [for st in(s.hydration == null ? [] : (s.hydration.steps == null ? [] : s.hydration.steps)) : st.paginate == null ? true : ((st.paginate.next != "next_url" || st.paginate.next_url_path != null) && (st.paginate.next != "cursor" || (st.paginate.has_more_path != null && st.paginate.cursor_param != null && st.paginate.cursor_path != null)))]]))
    error_message = "A hydration step's paginate with next \"next_url\" needs next_url_path; with next \"cursor\", has_more_path, cursor_param and cursor_path."
  }

  validation {
    # config/mapping.ts, namedValuesSchema.
    condition     = alltrue(flatten([for s in values(var.sources) : [for m in concat([s.mapping.properties, s.mapping.keep, s.mapping.extra], flatten([for e in coalesce(s.mapping.events, []) : [e.properties, e.keep, e.extra]])) : m == null ? true : length(m) <= 100 && alltrue([for k in keys(m) : length(k) >= 1 && length(k) <= 100 && !startswith(k, "$")])]]))
    error_message = "mapping properties, keep and extra (and those of each events entry) hold at most 100 names of 1 to 100 characters each, none starting with $ (Klaviyo reserves those; extra is written as $extra)."
  }

  validation {
    # config/mapping.ts, mappingSchema and eventSpecSchema.
    condition     = alltrue([for s in values(var.sources) : s.mapping.events == null ? true : (alltrue([for v in [s.mapping.value, s.mapping.include, s.mapping.properties, s.mapping.keep, s.mapping.extra] : v == null]) && alltrue([for e in coalesce(s.mapping.events, []) : e.key == null || e.for_each != null]) && length(distinct([for i, e in coalesce(s.mapping.events, []) : coalesce(e.id, tostring(i))])) == length(coalesce(s.mapping.events, [])))])
    error_message = "mapping.events, when set, holds events with distinct ids (default the position), key only beside for_each, and the single-event fields value, include, properties, keep and extra are set on each event instead of at the mapping's top level."
  }

  validation {
    # config/mapping-consent.ts, consentListSchema.
    condition     = alltrue(flatten([for s in values(var.sources) : [for l in [s.mapping.subscriptions, s.mapping.unsubscriptions] : l == null ? true : length(distinct([for c in l : c.id])) == length(l)]]))
    error_message = "mapping.subscriptions and mapping.unsubscriptions each hold entries with distinct ids (a source's entry overrides its preset's by id)."
  }
}

variable "klaviyo" {
  description = "Klaviyo settings: the API key reference, API revision, base URL, timeout, and how deliver shares Klaviyo's rate limits (see docs/delivery.md)."
  type = object({
    api_key = object({
      ssm             = optional(string)
      secrets_manager = optional(string)
    })
    revision               = optional(string, "2026-07-15")
    base_url               = optional(string, "https://a.klaviyo.com")
    timeout_ms             = optional(number, 10000)
    rate_budget_share      = optional(number, 1)
    bulk_threshold         = optional(number, 24)
    profile_bulk_threshold = optional(number, 20)
    max_pacing_wait_ms     = optional(number, 2000)
    max_concurrency        = optional(number, 2)
    max_in_flight          = optional(number, 8)
    lists                  = optional(map(string), {})
  })

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.api_key if o.api_key != null] : anytrue([(v1.ssm != null && v1.secrets_manager == null), (v1.ssm == null && v1.secrets_manager != null)])])
    error_message = "Each klaviyo.api_key must set the fields of exactly one of: { ssm } or { secrets_manager }, and no other."
  }

  validation {
    condition     = alltrue([for v2 in [for o in [for o in [var.klaviyo] : o.api_key if o.api_key != null] : o.ssm if o.ssm != null] : can(regex("^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$", v2))])
    error_message = "klaviyo.api_key.ssm must be an SSM parameter name (letters, digits, _ . - /) or parameter ARN (^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\\/)?[A-Za-z0-9_./-]+$)."
  }

  validation {
    condition     = alltrue([for v2 in [for o in [for o in [var.klaviyo] : o.api_key if o.api_key != null] : o.secrets_manager if o.secrets_manager != null] : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", v2))])
    error_message = "klaviyo.api_key.secrets_manager must be a Secrets Manager secret ARN (^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$)."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.revision if o.revision != null] : can(regex("^\\d{4}-\\d{2}-\\d{2}(\\.pre)?$", v1))])
    error_message = "klaviyo.revision must be a dated revision such as 2026-07-15 (^\\d{4}-\\d{2}-\\d{2}(\\.pre)?$)."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.base_url if o.base_url != null] : can(regex("^https?://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?|\\[[0-9A-Fa-f:.]+\\])(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?#][^\\s]*)?$", v1))])
    error_message = "klaviyo.base_url must be an http(s) URL with a host and a port from 0 to 65535."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.timeout_ms if o.timeout_ms != null] : v1 >= 100 && v1 <= 60000 && floor(v1) == v1])
    error_message = "klaviyo.timeout_ms must be a whole number from 100 to 60000."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.rate_budget_share if o.rate_budget_share != null] : v1 >= 0.05 && v1 <= 1])
    error_message = "klaviyo.rate_budget_share must be a number from 0.05 to 1."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.bulk_threshold if o.bulk_threshold != null] : v1 >= 2 && v1 <= 10000 && floor(v1) == v1])
    error_message = "klaviyo.bulk_threshold must be a whole number from 2 to 10000."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.profile_bulk_threshold if o.profile_bulk_threshold != null] : v1 >= 2 && v1 <= 10000 && floor(v1) == v1])
    error_message = "klaviyo.profile_bulk_threshold must be a whole number from 2 to 10000."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.max_pacing_wait_ms if o.max_pacing_wait_ms != null] : v1 >= 0 && v1 <= 10000 && floor(v1) == v1])
    error_message = "klaviyo.max_pacing_wait_ms must be a whole number from 0 to 10000."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.max_concurrency if o.max_concurrency != null] : v1 >= 1 && v1 <= 1000 && floor(v1) == v1])
    error_message = "klaviyo.max_concurrency must be a whole number from 1 to 1000."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.klaviyo] : o.max_in_flight if o.max_in_flight != null] : v1 >= 1 && v1 <= 64 && floor(v1) == v1])
    error_message = "klaviyo.max_in_flight must be a whole number from 1 to 64."
  }

  validation {
    condition     = alltrue([for k in flatten([for m in [for o in [var.klaviyo] : o.lists if o.lists != null] : keys(m)]) : can(regex("^[a-z][a-z0-9_-]{0,63}$", k))])
    error_message = "Each key of klaviyo.lists must be a list name: lowercase letters, digits, - and _ (^[a-z][a-z0-9_-]{0,63}$)."
  }

  validation {
    condition     = alltrue([for v2 in flatten([for m in [for o in [var.klaviyo] : o.lists if o.lists != null] : values(m)]) : can(regex("^[A-Za-z0-9]{1,64}$", v2))])
    error_message = "klaviyo.lists[*] must be a Klaviyo list id such as Y6nRLr (^[A-Za-z0-9]{1,64}$)."
  }

  validation {
    # Terraform's own rule: Lambda's least maximum concurrency is 2 (the document takes 1 in local mode).
    condition     = var.klaviyo.max_concurrency >= 2
    error_message = "klaviyo.max_concurrency must be from 2: it is also the deliver event source mapping's maximum concurrency, and Lambda's minimum there is 2 (the document's 1 is for local mode only)."
  }
}

variable "ingest" {
  description = "Ingest settings: the body size and JSON depth limits, and how long delivery ids are remembered and claimed."
  type = object({
    max_body_bytes      = optional(number, 262144)
    max_json_depth      = optional(number, 64)
    dedupe_ttl_seconds  = optional(number, 604800)
    claim_lease_seconds = optional(number, 60)
  })
  default = {}

  validation {
    condition     = alltrue([for v1 in [for o in [var.ingest] : o.max_body_bytes if o.max_body_bytes != null] : v1 >= 1024 && v1 <= 921600 && floor(v1) == v1])
    error_message = "ingest.max_body_bytes must be a whole number from 1024 to 921600."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.ingest] : o.max_json_depth if o.max_json_depth != null] : v1 >= 8 && v1 <= 512 && floor(v1) == v1])
    error_message = "ingest.max_json_depth must be a whole number from 8 to 512."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.ingest] : o.dedupe_ttl_seconds if o.dedupe_ttl_seconds != null] : v1 >= 259200 && v1 <= 7776000 && floor(v1) == v1])
    error_message = "ingest.dedupe_ttl_seconds must be a whole number from 259200 to 7776000."
  }

  validation {
    condition     = alltrue([for v1 in [for o in [var.ingest] : o.claim_lease_seconds if o.claim_lease_seconds != null] : v1 >= 30 && v1 <= 900 && floor(v1) == v1])
    error_message = "ingest.claim_lease_seconds must be a whole number from 30 to 900."
  }
}

variable "hydrate" {
  description = "Hydrate settings: how many bytes one webhook may bring into hydrate's memory."
  type = object({
    max_bytes_per_webhook = optional(number)
  })
  default = {}

  validation {
    condition     = alltrue([for v1 in [for o in [var.hydrate] : o.max_bytes_per_webhook if o.max_bytes_per_webhook != null] : v1 >= 1048576 && v1 <= 1073741824 && floor(v1) == v1])
    error_message = "hydrate.max_bytes_per_webhook must be a whole number from 1048576 to 1073741824."
  }
}

# END GENERATED CONFIGURATION

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
  description = "Per-queue settings keyed by hydrate or deliver (whose settings every deliver-<family> queue of deliver_queues takes too): visibility_timeout_seconds (null for 6 times the consumer's timeout; otherwise at least that, up to 43200), max_receive_count (1 to 1000, default 5 for hydrate and 10 for deliver; the consumer dead-letters a message with its reason when a failing receive is the last allowed, and deferrals cost none), message_retention_seconds (60 to 1209600, default 4 days), dlq_message_retention_seconds (longer than the queue's, default 14 days), max_message_size (1024 to 262144 bytes, default 262144, the AWS provider 5.x ceiling; larger bodies travel through the payload bucket as claim checks), and for the event source mapping batch_size (1 to 10000), maximum_batching_window_in_seconds (0 to 300) and maximum_concurrency (hydrate only, 2 to 1000 or null; deliver's is klaviyo.max_concurrency)."
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

variable "deliver_queues" {
  description = "Klaviyo write families (profiles, consent, catalog, records, back-in-stock) that get their own queue deliver-<family>, with its DLQ, alarms and event source mapping and deliver's settings, so that no family's backlog holds another's; events, and a family left out, go through the deliver queue."
  type        = set(string)
  default     = ["profiles", "consent", "catalog", "records", "back-in-stock"]

  validation {
    condition     = alltrue([for f in var.deliver_queues : contains(["profiles", "consent", "catalog", "records", "back-in-stock"], f)])
    error_message = "deliver_queues may hold only profiles, consent, catalog, records and back-in-stock (events always use the deliver queue)."
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

variable "validate_configuration" {
  description = "Whether an apply that changes the configuration document (or hydrate's code) invokes hydrate to validate the document as stored and fails with hydrate's message if it is refused; turn off only where Lambda cannot run code (an emulator such as moto)."
  type        = bool
  default     = true
  nullable    = false
}

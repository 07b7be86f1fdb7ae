################################################################################
# The configuration document (relayConfigSchema() in functions/shared/config.ts), rendered from typed inputs.
# Unset optional attributes render as null; the functions drop nulls before validating.
################################################################################

locals {
  # Terraform's object types are uniform, so a value spec is a string: a dot path as it is, or a JSONata
  # expression after a leading "=", rendered as { "expr": "..." } (the configuration document's form).
  value_spec = { for v in distinct(flatten([for s in values(var.sources) : s.hydration == null ? [] : concat(
    [for st in(s.hydration.steps == null ? [] : s.hydration.steps) : concat(
      st.params == null ? [] : values(st.params), compact([st.when, st.pick, try(st.for_each.items, null)])
    )],
    s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.params == null ? [] : values(c.params)],
  )])) : v => jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v)) }

  config_document = {
    version = 1
    sources = {
      for key, s in var.sources : key => {
        kind              = s.kind
        preset            = s.preset
        secrets           = [for r in s.secrets : { ssm = r.ssm, secrets_manager = r.secrets_manager }]
        event_type        = s.event_type
        max_body_bytes    = s.max_body_bytes
        tolerance_seconds = s.tolerance_seconds
        secret_header     = s.secret_header
        signature         = s.signature
        delivery_id       = s.delivery_id
        scheme            = s.scheme
        header            = s.header
        hydration = s.hydration == null ? null : {
          base_url = s.hydration.base_url
          auth     = s.hydration.auth
          connections = s.hydration.connections == null ? null : {
            for name, c in s.hydration.connections : name => merge(c, {
              params = c.params == null ? null : { for k, v in c.params : k => local.value_spec[v] }
            })
          }
          timeout_ms          = s.hydration.timeout_ms
          requests_per_second = s.hydration.requests_per_second
          steps = s.hydration.steps == null ? null : [for st in s.hydration.steps : {
            name              = st.name
            path              = st.path
            connection        = st.connection
            method            = st.method
            params            = st.params == null ? null : { for k, v in st.params : k => local.value_spec[v] }
            body              = st.body == null ? null : jsondecode(st.body)
            when              = st.when == null ? null : local.value_spec[st.when]
            pick              = st.pick == null ? null : local.value_spec[st.pick]
            for_each          = st.for_each == null ? null : merge(st.for_each, { items = local.value_spec[st.for_each.items] })
            paginate          = st.paginate
            graphql           = st.graphql
            cache_ttl_seconds = st.cache_ttl_seconds
          }]
        }
        mapping = local.mappings[key]
      }
    }
    klaviyo = var.klaviyo
    ingest  = var.ingest
    hydrate = var.hydrate
  }

  # A mapping value is a string here (Terraform's map elements share one type): "=" and a JSONata expression is
  # rendered as { "expr": "…" }, anything else as it is (a dot path, or a metric's literal name). jsondecode of a
  # jsonencode keeps both branches of the conditional one type (string), whatever the value becomes.
  mapping_spec_fields = ["filter", "metric", "value", "value_currency", "time", "for_each", "key"]
  mappings = {
    for key, s in var.sources : key => merge(
      s.mapping,
      {
        for f in local.mapping_spec_fields : f => (
          s.mapping[f] == null ? null :
          jsondecode(startswith(s.mapping[f], "=") ? jsonencode({ expr = trimspace(substr(s.mapping[f], 1, -1)) }) : jsonencode(s.mapping[f]))
        ) if contains(keys(s.mapping), f)
      },
      {
        profile = {
          for name, specs in s.mapping.profile : name => specs == null ? null : [
            for v in specs : jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
          ]
        }
      },
      {
        for f in ["properties", "keep", "extra", "profile_attributes"] : f => s.mapping[f] == null ? null : {
          for name, v in s.mapping[f] : name => jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
        }
      },
      {
        events = s.mapping.events == null ? null : [
          for e in s.mapping.events : merge(
            e,
            {
              for f in local.mapping_spec_fields : f => (
                e[f] == null ? null :
                jsondecode(startswith(e[f], "=") ? jsonencode({ expr = trimspace(substr(e[f], 1, -1)) }) : jsonencode(e[f]))
              ) if contains(keys(e), f)
            },
            {
              for f in ["properties", "keep", "extra"] : f => e[f] == null ? null : {
                for name, v in e[f] : name => jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
              }
            },
          )
        ]
      },
    )
  }

  config_json           = jsonencode(local.config_document)
  config_parameter_name = coalesce(var.config_parameter_name, "/${var.name}/config")
}

resource "aws_ssm_parameter" "config" {
  name        = local.config_parameter_name
  description = "Configuration document of the ${var.name} webhook relay (secret references only, no secret values)."
  # Encrypted at rest like everything else: with the customer key, or with the AWS-managed aws/ssm key. The
  # document holds references only; a root that re-exports the config_document output sees its changes in plans.
  # key_id is explicit either way: left null, the provider would keep a customer key that was removed.
  type   = "SecureString"
  key_id = coalesce(var.kms_key_arn, "alias/aws/ssm")
  # Standard parameters hold 4 KB; a larger document needs the advanced tier.
  tier  = length(local.config_json) > 4096 ? "Advanced" : "Standard"
  value = local.config_json

  tags = var.tags

  lifecycle {
    # Checked here, on the first thing every function reads: the functions reach the table by name, in
    # their own region and account.
    precondition {
      condition = var.dedupe_table.existing_table_arn == null || (
        split(":", coalesce(var.dedupe_table.existing_table_arn, "x:x:x:x:x"))[3] == data.aws_region.current.name &&
        split(":", coalesce(var.dedupe_table.existing_table_arn, "x:x:x:x:x"))[4] == data.aws_caller_identity.current.account_id
      )
      error_message = "dedupe_table.existing_table_arn must name a table in the relay's own region (${data.aws_region.current.name}) and account (${data.aws_caller_identity.current.account_id})."
    }
  }
}

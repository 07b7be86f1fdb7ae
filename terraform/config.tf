################################################################################
# The configuration document (relayConfigSchema() in functions/shared/config/relay-config.ts), rendered from typed inputs.
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
        profile = merge(
          {
            for name, specs in s.mapping.profile : name => specs == null ? null : [
              for v in specs : jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
            ] if !contains(["as_of", "sequence"], name)
          },
          {
            as_of = try(s.mapping.profile.as_of, null) == null ? null : jsondecode(startswith(s.mapping.profile.as_of, "=") ? jsonencode({ expr = trimspace(substr(s.mapping.profile.as_of, 1, -1)) }) : jsonencode(s.mapping.profile.as_of))
          },
          # A sequence version: present only when set, so a mapping without one renders as before.
          {
            for v in compact([try(s.mapping.profile.sequence, null)]) : "sequence" => jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
          },
        )
      },
      {
        # Consent entries: their value specs (when, as_of, sequence, consented_at) and identifier lists rendered the same way.
        for f in ["subscriptions", "unsubscriptions"] : f => s.mapping[f] == null ? null : [
          for c in s.mapping[f] : merge(
            c,
            {
              for k in ["when", "as_of", "sequence", "consented_at"] : k => (
                c[k] == null ? null :
                jsondecode(startswith(c[k], "=") ? jsonencode({ expr = trimspace(substr(c[k], 1, -1)) }) : jsonencode(c[k]))
              ) if contains(keys(c), k)
            },
            {
              profile = c.profile == null ? null : {
                for name, specs in c.profile : name => specs == null ? null : [
                  for v in specs : jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
                ]
              }
            },
          )
        ]
      },
      {
        # Catalog, record and back-in-stock entries (issue 21): their value specs rendered the same way.
        catalog = s.mapping.catalog == null ? null : [
          for c in s.mapping.catalog : merge(
            c,
            {
              for k in ["when", "for_each", "external_id", "as_of"] : k => (
                c[k] == null ? null :
                jsondecode(startswith(c[k], "=") ? jsonencode({ expr = trimspace(substr(c[k], 1, -1)) }) : jsonencode(c[k]))
              )
            },
            {
              fields = c.fields == null ? null : {
                for name, v in c.fields : name => v == null ? null : jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v))
              }
            },
          )
        ]
        records = s.mapping.records == null ? null : [
          for r in s.mapping.records : merge(
            r,
            {
              for k in ["when", "for_each", "record_id"] : k => (
                r[k] == null ? null :
                jsondecode(startswith(r[k], "=") ? jsonencode({ expr = trimspace(substr(r[k], 1, -1)) }) : jsonencode(r[k]))
              )
            },
            {
              record = { for name, v in r.record : name => jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v)) }
            },
          )
        ]
        back_in_stock = s.mapping.back_in_stock == null ? null : [
          for b in s.mapping.back_in_stock : merge(
            b,
            {
              for k in ["when", "variant_external_id"] : k => (
                b[k] == null ? null :
                jsondecode(startswith(b[k], "=") ? jsonencode({ expr = trimspace(substr(b[k], 1, -1)) }) : jsonencode(b[k]))
              )
            },
          )
        ]
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

  # The document is stored split per source (docs/adr/0025-configuration-layout-and-source-isolation.md): the
  # parameter config_parameter_name holds version, klaviyo and ingest; each source's part is the parameter
  # /<config_parameter_name>/sources/<source>. One parameter for the whole document would hold about five sources
  # (SSM's ceiling is 8 KB); a part is a source's own, and a bad part stops that source alone.
  config_sources_path = "/${trimprefix(local.config_parameter_name, "/")}/sources"
  config_root_json    = jsonencode({ for k, v in local.config_document : k => v if k != "sources" })
  config_source_json  = { for key, part in local.config_document.sources : key => jsonencode(part) }

  # SSM's ceilings on a value, in bytes (length() counts characters; base64 counts bytes): 4,096 in the standard
  # tier, 8,192 in the advanced tier, which a larger part takes.
  ssm_standard_value_bytes = 4096
  ssm_advanced_value_bytes = 8192
  config_root_b64          = base64encode(local.config_root_json)
  config_root_bytes        = length(local.config_root_b64) / 4 * 3 - length(regexall("=", substr(local.config_root_b64, -2, -1)))
  config_source_bytes = {
    for key, json in local.config_source_json : key => (
      length(base64encode(json)) / 4 * 3 - length(regexall("=", substr(base64encode(json), -2, -1)))
    )
  }
}

resource "aws_ssm_parameter" "config" {
  name        = local.config_parameter_name
  description = "Configuration document of the ${var.name} webhook relay: version, klaviyo and ingest; each source's part is under ${local.config_sources_path}/ (secret references only, no secret values)."
  # Encrypted at rest like everything else: with the customer key, or with the AWS-managed aws/ssm key. The
  # document holds references only; a root that re-exports the config_document output sees its changes in plans.
  # key_id is explicit either way: left null, the provider would keep a customer key that was removed.
  type   = "SecureString"
  key_id = coalesce(var.kms_key_arn, "alias/aws/ssm")
  tier   = local.config_root_bytes > local.ssm_standard_value_bytes ? "Advanced" : "Standard"
  value  = local.config_root_json

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
    precondition {
      condition     = local.config_root_bytes <= local.ssm_advanced_value_bytes
      error_message = "The configuration document's klaviyo and ingest settings render to ${local.config_root_bytes} bytes; an SSM parameter holds at most ${local.ssm_advanced_value_bytes}."
    }
  }
}

# One parameter per source: its part of the document, read by the functions with GetParametersByPath.
resource "aws_ssm_parameter" "source_config" {
  for_each = local.config_source_json

  name        = "${local.config_sources_path}/${each.key}"
  description = "Source ${each.key} of the ${var.name} webhook relay's configuration document (secret references only)."
  type        = "SecureString"
  key_id      = coalesce(var.kms_key_arn, "alias/aws/ssm")
  tier        = local.config_source_bytes[each.key] > local.ssm_standard_value_bytes ? "Advanced" : "Standard"
  value       = each.value

  tags = var.tags

  lifecycle {
    # Checked at plan, not left to SSM's refusal halfway through an apply.
    precondition {
      condition     = local.config_source_bytes[each.key] <= local.ssm_advanced_value_bytes
      error_message = "sources[\"${each.key}\"] renders to ${local.config_source_bytes[each.key]} bytes of configuration; an SSM parameter holds at most ${local.ssm_advanced_value_bytes} (advanced tier). Shorten its mapping or hydration (long JSONata expressions, many properties or steps), or move part of it into a preset."
    }
  }
}

# What Terraform cannot check (JSONata syntax, and every rule of the functions' own schema) must not deploy
# silently: once the document's parameters are written, hydrate is asked to validate the document as stored, and a
# refusal fails the apply with hydrate's message (functions/hydrate/validate-config.ts). The bad source's webhooks
# wait meanwhile (ingest 503 or hydrate deferral) while every other source is served; the next plan or apply fails
# the same way until the document is fixed (the refused verdict is checked again, or the invocation runs again).
resource "aws_lambda_invocation" "validate_config" {
  count = var.validate_configuration ? 1 : 0

  function_name = module.function["hydrate"].function_name
  input         = jsonencode({ relay_validate_config = {} })

  # Invoked again whenever the document or hydrate's code changes.
  triggers = {
    document = sha256(local.config_json)
    code     = coalesce(module.function["hydrate"].source_code_hash, "unknown")
  }

  # After the parameters are written and hydrate (its code, environment and role's policy) is updated.
  depends_on = [aws_ssm_parameter.config, aws_ssm_parameter.source_config, module.function]

  lifecycle {
    postcondition {
      condition     = try(jsondecode(self.result).valid, false) == true
      error_message = "The configuration document is refused by hydrate: ${try(jsondecode(self.result).message, self.result)}"
    }
  }
}

################################################################################
# The configuration document (relayConfigSchema() in functions/shared/config.ts), rendered from typed inputs.
# Unset optional attributes render as null; the functions drop nulls before validating.
################################################################################

locals {
  # Terraform's object types are uniform, so a value spec is a string: a dot path as it is, or a JSONata
  # expression after a leading "=", rendered as { "expr": "..." } (the configuration document's form).
  value_spec = { for v in distinct(flatten([for s in values(var.sources) : s.hydration == null ? [] : concat(
    [for st in s.hydration.steps : concat(
      st.params == null ? [] : values(st.params), compact([st.when, st.pick, try(st.for_each.items, null)])
    )],
    s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.params == null ? [] : values(c.params)],
  )])) : v => jsondecode(startswith(v, "=") ? jsonencode({ expr = trimspace(substr(v, 1, -1)) }) : jsonencode(v)) }

  config_document = {
    version = 1
    sources = {
      for key, s in var.sources : key => {
        kind              = s.kind
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
          steps = [for st in s.hydration.steps : {
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
        mapping = s.mapping
      }
    }
    klaviyo = var.klaviyo
    ingest  = var.ingest
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

################################################################################
# The configuration document (RelayConfigSchema in functions/shared/config.ts), rendered from typed inputs.
# Unset optional attributes render as null; the functions drop nulls before validating.
################################################################################

locals {
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
        hydration         = s.hydration
        mapping           = s.mapping
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
  type        = var.kms_key_arn == null ? "String" : "SecureString"
  key_id      = var.kms_key_arn
  # Standard parameters hold 4 KB; a larger document needs the advanced tier.
  tier = length(local.config_json) > 4096 ? "Advanced" : "Standard"
  # The document holds references only, so a String parameter shows its changes in plans (insecure_value).
  value          = var.kms_key_arn == null ? null : local.config_json
  insecure_value = var.kms_key_arn == null ? local.config_json : null

  tags = var.tags
}

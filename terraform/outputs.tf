################################################################################
# API
################################################################################

output "api_id" {
  description = "ID of the HTTP API."
  value       = try(aws_apigatewayv2_api.this.id, null)
}

output "api_endpoint" {
  description = "Base URL of the HTTP API ($default stage)."
  value       = try(aws_apigatewayv2_api.this.api_endpoint, null)
}

output "webhook_base_url" {
  description = "URL under which each source receives webhooks: <webhook_base_url>/<source>."
  value       = try("${aws_apigatewayv2_api.this.api_endpoint}/webhooks", null)
}

output "webhook_urls" {
  description = "Webhook URL of each configured source, keyed by source."
  value       = try({ for k in keys(var.sources) : k => "${aws_apigatewayv2_api.this.api_endpoint}/webhooks/${k}" }, null)
}

output "route_key" {
  description = "Route key of the webhook route."
  value       = try(aws_apigatewayv2_route.webhook.route_key, null)
}

################################################################################
# Functions
################################################################################

output "function_names" {
  description = "Lambda function names, keyed by ingest, hydrate and deliver."
  value       = try({ for k, m in module.function : k => m.function_name }, null)
}

output "function_arns" {
  description = "Lambda function ARNs, keyed by ingest, hydrate and deliver."
  value       = try({ for k, m in module.function : k => m.function_arn }, null)
}

output "role_arns" {
  description = "IAM role ARNs of the functions, keyed by ingest, hydrate and deliver."
  value       = try({ for k, m in module.function : k => m.role_arn }, null)
}

output "role_names" {
  description = "IAM role names of the functions, keyed by ingest, hydrate and deliver."
  value       = try({ for k, m in module.function : k => m.role_name }, null)
}

output "log_group_names" {
  description = "CloudWatch log group names of the functions, keyed by ingest, hydrate and deliver."
  value       = try({ for k, m in module.function : k => m.log_group_name }, null)
}

output "event_source_mapping_uuids" {
  description = "UUIDs of the SQS event source mappings, keyed by the queue each consumes: hydrate, deliver and deliver-<family> for each of deliver_queues."
  value = merge(
    { for f, q in local.consumed_queue : q => module.function[f].event_source_mapping_uuid if q != null },
    { for q, m in aws_lambda_event_source_mapping.deliver_family : q => m.uuid },
  )
}

################################################################################
# Queues
################################################################################

output "queue_urls" {
  description = "SQS queue URLs, keyed by queue: hydrate, deliver (events) and deliver-<family> for each of deliver_queues."
  value       = try({ for k, m in module.queue : k => m.queue_url }, null)
}

output "queue_arns" {
  description = "SQS queue ARNs, keyed by queue: hydrate, deliver (events) and deliver-<family> for each of deliver_queues."
  value       = try({ for k, m in module.queue : k => m.queue_arn }, null)
}

output "dlq_urls" {
  description = "Dead-letter queue URLs, keyed by queue: hydrate, deliver (events) and deliver-<family> for each of deliver_queues."
  value       = try({ for k, m in module.queue : k => m.dlq_url }, null)
}

output "dlq_arns" {
  description = "Dead-letter queue ARNs, keyed by queue: hydrate, deliver (events) and deliver-<family> for each of deliver_queues."
  value       = try({ for k, m in module.queue : k => m.dlq_arn }, null)
}

################################################################################
# Dedupe table and configuration
################################################################################

output "dedupe_table_name" {
  description = "Name of the DynamoDB dedupe table (created here or brought by the caller)."
  value       = local.dedupe_table_name
}

output "dedupe_table_arn" {
  description = "ARN of the DynamoDB dedupe table (created here or brought by the caller)."
  value       = local.dedupe_table_arn
}

output "config_parameter_name" {
  description = "Name of the SSM parameter holding the configuration document (RELAY_CONFIG_PARAMETER)."
  value       = try(aws_ssm_parameter.config.name, null)
}

output "config_parameter_arn" {
  description = "ARN of the SSM parameter holding the configuration document."
  value       = try(aws_ssm_parameter.config.arn, null)
}

output "config_document" {
  description = "The configuration document as written to the parameter (JSON; secret references only)."
  value       = local.config_json
}

################################################################################
# Alarms
################################################################################

output "alarm_arns" {
  description = "ARNs of every alarm the module created, keyed <function>-errors, <function>-throttles, <queue>-dlq-not-empty, <queue>-oldest-message-age, ingest-5xx-rate, klaviyo-auth-failed, hydrate-retries, klaviyo-server-errors, source-config-invalid and (with the archive) archive-failed; empty when alarms.create is false."
  value = merge(
    merge([for f, m in module.function : { for k, arn in m.alarm_arns : "${f}-${k}" => arn }]...),
    merge([for q, m in module.queue : { for k, arn in m.alarm_arns : "${q}-${replace(k, "_", "-")}" => arn }]...),
    { for a in aws_cloudwatch_metric_alarm.ingest_5xx_rate : "ingest-5xx-rate" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.klaviyo_auth_failed : "klaviyo-auth-failed" => a.arn },
    { for k, a in aws_cloudwatch_metric_alarm.sustained_failures : k => a.arn },
    { for a in aws_cloudwatch_metric_alarm.source_config_invalid : "source-config-invalid" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.archive_failed : "archive-failed" => a.arn },
  )
}

################################################################################
# Claim check
################################################################################

output "payload_bucket_name" {
  description = "Name of the payload bucket: message bodies larger than the queues take (claim checks)."
  value       = module.payload_bucket.name

  # Checked here, in the root module, because modules/bucket knows nothing of the queues' retention.
  precondition {
    condition     = local.payload_expiration_days >= local.payload_min_expiration_days
    error_message = "payload_expiration_days (${local.payload_expiration_days}) must be at least ${local.payload_min_expiration_days}: the longest queue retention plus the longest DLQ retention, plus a day, or a message could name a body that is gone."
  }
}

output "payload_bucket_arn" {
  description = "ARN of the payload bucket."
  value       = module.payload_bucket.arn
}

################################################################################
# Dashboard
################################################################################

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard; null when create_dashboard is false."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "dashboard_arn" {
  description = "ARN of the CloudWatch dashboard; null when create_dashboard is false."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_arn, null)
}

################################################################################
# Archive
################################################################################

output "archive_bucket_name" {
  description = "Name of the archive bucket (relay replay reads it); null when archive.enabled is false."
  value       = try(module.archive_bucket[0].name, null)
}

output "archive_bucket_arn" {
  description = "ARN of the archive bucket; null when archive.enabled is false."
  value       = local.archive_bucket_arn
}

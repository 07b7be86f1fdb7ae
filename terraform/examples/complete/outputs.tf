output "webhook_base_url" {
  description = "URL under which each source receives webhooks."
  value       = module.relay.webhook_base_url
}

output "webhook_urls" {
  description = "Webhook URL of each source."
  value       = module.relay.webhook_urls
}

output "function_names" {
  description = "Lambda function names, keyed by ingest, hydrate and deliver."
  value       = module.relay.function_names
}

output "function_arns" {
  description = "Lambda function ARNs."
  value       = module.relay.function_arns
}

output "role_arns" {
  description = "IAM role ARNs of the functions."
  value       = module.relay.role_arns
}

output "queue_urls" {
  description = "SQS queue URLs, keyed by hydrate and deliver."
  value       = module.relay.queue_urls
}

output "dlq_urls" {
  description = "Dead-letter queue URLs, keyed by hydrate and deliver."
  value       = module.relay.dlq_urls
}

output "queue_arns" {
  description = "SQS queue ARNs."
  value       = module.relay.queue_arns
}

output "dlq_arns" {
  description = "Dead-letter queue ARNs."
  value       = module.relay.dlq_arns
}

output "dedupe_table_name" {
  description = "DynamoDB dedupe table name."
  value       = module.relay.dedupe_table_name
}

output "config_parameter_name" {
  description = "SSM parameter holding the configuration document."
  value       = module.relay.config_parameter_name
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = module.relay.api_id
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key."
  value       = aws_kms_key.relay.arn
}

output "alarm_arns" {
  description = "ARNs of the relay's CloudWatch alarms."
  value       = module.relay.alarm_arns
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic the alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "config_document" {
  description = "The configuration document the functions read (JSON, secret references only); re-exported so that plans show its changes."
  value       = module.relay.config_document
}

output "payload_bucket_name" {
  description = "Payload bucket of the claim check (message bodies larger than the queues take)."
  value       = module.relay.payload_bucket_name
}

output "payload_bucket_arn" {
  description = "ARN of the payload bucket."
  value       = module.relay.payload_bucket_arn
}

output "archive_bucket_name" {
  description = "Archive bucket: every accepted webhook, for relay replay."
  value       = module.relay.archive_bucket_name
}

output "api_endpoint" {
  description = "Base URL of the HTTP API (what `npm run relay -- send --url` takes)."
  value       = module.relay.api_endpoint
}

output "log_group_names" {
  description = "CloudWatch log group names of the functions (what `npm run relay -- trace` queries)."
  value       = module.relay.log_group_names
}

output "queue_name" {
  description = "Name of the queue."
  value       = try(aws_sqs_queue.this.name, null)
}

output "queue_url" {
  description = "URL of the queue."
  value       = try(aws_sqs_queue.this.url, null)
}

output "queue_arn" {
  description = "ARN of the queue."
  value       = try(aws_sqs_queue.this.arn, null)
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue in seconds."
  value       = try(aws_sqs_queue.this.visibility_timeout_seconds, null)
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq.name, null)
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq.url, null)
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq.arn, null)
}

output "redrive_policy" {
  description = "Redrive policy of the queue (JSON): the DLQ's ARN and maxReceiveCount."
  value       = try(aws_sqs_queue.this.redrive_policy, null)
}

output "message_retention_seconds" {
  description = "Retention of the queue in seconds."
  value       = try(aws_sqs_queue.this.message_retention_seconds, null)
}

output "dlq_message_retention_seconds" {
  description = "Retention of the dead-letter queue in seconds."
  value       = try(aws_sqs_queue.dlq.message_retention_seconds, null)
}

output "encryption" {
  description = "Encryption at rest of the queue and its DLQ: sqs_managed_sse_enabled (SSE-SQS) or kms_master_key_id (SSE-KMS)."
  value = {
    queue = {
      sqs_managed_sse_enabled = try(aws_sqs_queue.this.sqs_managed_sse_enabled, null)
      kms_master_key_id       = try(aws_sqs_queue.this.kms_master_key_id, null)
    }
    dlq = {
      sqs_managed_sse_enabled = try(aws_sqs_queue.dlq.sqs_managed_sse_enabled, null)
      kms_master_key_id       = try(aws_sqs_queue.dlq.kms_master_key_id, null)
    }
  }
}

output "alarm_arns" {
  description = "ARNs of the queue's alarms keyed by dlq_not_empty and oldest_message_age; empty when create_alarms is false."
  value = merge(
    { for a in aws_cloudwatch_metric_alarm.dlq_not_empty : "dlq_not_empty" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.oldest_message_age : "oldest_message_age" => a.arn },
  )
}

output "max_message_size" {
  description = "Largest message the queue and its DLQ take, in bytes (both queues' max_message_size, as created)."
  value       = aws_sqs_queue.this.max_message_size == aws_sqs_queue.dlq.max_message_size ? aws_sqs_queue.this.max_message_size : null
}

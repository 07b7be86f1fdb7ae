locals {
  sqs_managed_sse = var.kms_key_arn == null
}

################################################################################
# Dead-letter queue: keeps messages longer than the source queue
################################################################################

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = var.dlq_message_retention_seconds

  sqs_managed_sse_enabled           = local.sqs_managed_sse ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.sqs_managed_sse ? null : var.kms_data_key_reuse_period_seconds

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.dlq_message_retention_seconds > var.message_retention_seconds
      error_message = "The DLQ of ${var.name} must keep messages longer than the queue does (dlq_message_retention_seconds ${var.dlq_message_retention_seconds} <= message_retention_seconds ${var.message_retention_seconds}): a message keeps its first enqueue time in the DLQ and would expire there early."
    }
  }
}

################################################################################
# Source queue with redrive to the DLQ
################################################################################

resource "aws_sqs_queue" "this" {
  name                       = var.name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  sqs_managed_sse_enabled           = local.sqs_managed_sse ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.sqs_managed_sse ? null : var.kms_data_key_reuse_period_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.consumer_timeout_seconds == null || var.visibility_timeout_seconds >= 6 * coalesce(var.consumer_timeout_seconds, 0)
      error_message = "The visibility timeout of ${var.name} (${var.visibility_timeout_seconds} s) must be at least 6 times its consumer's timeout (${coalesce(var.consumer_timeout_seconds, 0)} s)."
    }
  }
}

# Only the source queue may use the DLQ (a separate resource: the queue's ARN is not known before it exists).
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

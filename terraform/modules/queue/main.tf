locals {
  sqs_managed_sse = var.kms_key_arn == null
}

################################################################################
# Dead-letter queue: keeps messages longer than the source queue
################################################################################

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = var.dlq_message_retention_seconds
  max_message_size          = var.max_message_size

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
  max_message_size           = var.max_message_size

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

################################################################################
# Alarms: something reached the DLQ; the queue is falling behind
################################################################################

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  count = var.create_alarms ? 1 : 0

  alarm_name        = "${aws_sqs_queue.dlq.name}-not-empty"
  alarm_description = "Messages are waiting in ${aws_sqs_queue.dlq.name}: they failed permanently or ran out of receives on ${aws_sqs_queue.this.name}. Read the reason on each message, fix the cause, then redrive."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions  = { QueueName = aws_sqs_queue.dlq.name }
  statistic   = "Maximum"
  period      = 60

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # SQS stops publishing for a queue that is empty and idle; no data means nothing is waiting.
  treat_missing_data = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  count = var.create_alarms ? 1 : 0

  alarm_name        = "${aws_sqs_queue.this.name}-oldest-message-age"
  alarm_description = "The oldest message in ${aws_sqs_queue.this.name} has waited more than ${var.oldest_message_age_alarm_seconds} s: its consumer is too slow for the traffic, throttled or not running. (Messages received three times or more do not count in this metric, so a consumer that fails every message shows in the relay's retry alarms and then the DLQ alarm instead.)"

  namespace   = "AWS/SQS"
  metric_name = "ApproximateAgeOfOldestMessage"
  dimensions  = { QueueName = aws_sqs_queue.this.name }
  statistic   = "Maximum"
  period      = 60

  # Five minutes in a row, so that one slow batch or a single 429 back-off does not page anyone.
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.oldest_message_age_alarm_seconds
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}

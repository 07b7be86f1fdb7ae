locals {
  log_group_name = "/aws/lambda/${var.name}"

  # A local zip is hashed here, so that the function is updated exactly when the zip's bytes change. A missing
  # zip hashes to null here and fails the precondition below with a message that says what to do.
  package_missing = var.package.filename != null && !fileexists(coalesce(var.package.filename, "-"))
  source_code_hash = (
    var.package.source_code_hash != null ? var.package.source_code_hash :
    var.package.filename != null && !local.package_missing ? filebase64sha256(var.package.filename) : null
  )
}

data "aws_partition" "current" {}

################################################################################
# IAM role: assumed by Lambda only; its own logs plus the policy passed in
################################################################################

resource "aws_iam_role" "this" {
  name        = var.name
  description = "Execution role of the ${var.name} Lambda function."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.${data.aws_partition.current.dns_suffix}" }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "logs" {
  name = "logs"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  count = var.attach_policy ? 1 : 0

  name   = "runtime"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

################################################################################
# Log group, created before the function so that retention and encryption apply from the first line
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn
  handler       = var.handler
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  filename          = var.package.filename
  s3_bucket         = var.package.s3_bucket
  s3_key            = var.package.s3_key
  s3_object_version = var.package.s3_object_version
  source_code_hash  = local.source_code_hash

  kms_key_arn = var.kms_key_arn

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []
    content {
      variables = environment.value
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !local.package_missing
      error_message = "The deployment package ${coalesce(var.package.filename, "-")} does not exist. The module's default is the prebuilt zips in its artifacts/ directory, which every commit of main carries: use the module from a commit of main or a release tag (?ref=<commit SHA or tag>). To deploy your own build, run `npm run build` at the repository root and point artifacts_dir at its dist/ directory, or name an S3 object in artifacts."
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
    aws_iam_role_policy.this,
  ]
}

################################################################################
# SQS event source: partial batch responses always on
################################################################################

resource "aws_lambda_event_source_mapping" "this" {
  count = var.sqs_event_source != null ? 1 : 0

  event_source_arn = var.sqs_event_source.queue_arn
  function_name    = aws_lambda_function.this.arn
  enabled          = var.sqs_event_source.enabled

  batch_size                         = var.sqs_event_source.batch_size
  maximum_batching_window_in_seconds = var.sqs_event_source.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.sqs_event_source.maximum_concurrency != null ? [var.sqs_event_source.maximum_concurrency] : []
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  lifecycle {
    precondition {
      condition     = var.sqs_event_source.queue_visibility_timeout_seconds >= 6 * var.timeout
      error_message = "The visibility timeout of the queue that triggers ${var.name} (${var.sqs_event_source.queue_visibility_timeout_seconds} s) must be at least 6 times the function's timeout (${var.timeout} s, so at least ${6 * var.timeout} s)."
    }
  }
}

################################################################################
# Alarms: the function failed or was throttled
################################################################################

locals {
  alarms = var.create_alarms ? {
    errors = {
      metric      = "Errors"
      description = "${var.name} ended invocations with an error (a crash, a timeout, or configuration it could not read; failed messages are partial batch responses and do not count): see its log group ${local.log_group_name}."
    }
    throttles = {
      metric      = "Throttles"
      description = "Lambda throttled ${var.name}: its reserved concurrency or the account's concurrency is too low for the traffic."
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = each.value.description

  namespace   = "AWS/Lambda"
  metric_name = each.value.metric
  dimensions  = { FunctionName = aws_lambda_function.this.function_name }
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.key == "errors" ? var.errors_alarm_threshold : 0
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}

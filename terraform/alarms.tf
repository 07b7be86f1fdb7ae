################################################################################
# Alarms of the relay as a whole. The queues' (DLQ not empty, oldest message age) and the functions' (errors,
# throttles) live in their submodules; these need the API and the relay's own metrics.
################################################################################

locals {
  alarm_actions = var.alarms.sns_topic_arn == null ? [] : [var.alarms.sns_topic_arn]
}

# The share of webhooks answered 5xx: the sender will retry them, but a sustained rate means the dedupe table,
# the queue or the function is failing. A floor on the request count keeps one error in a quiet hour quiet.
resource "aws_cloudwatch_metric_alarm" "ingest_5xx_rate" {
  count = var.alarms.create ? 1 : 0

  alarm_name        = "${var.name}-ingest-5xx-rate"
  alarm_description = "More than ${var.alarms.ingest_5xx_rate_percent}% of webhooks to ${var.name} were answered 5xx in five minutes (with at least ${var.alarms.ingest_5xx_min_requests} requests): senders are retrying; see ${module.function["ingest"].log_group_name}."

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.ingest_5xx_rate_percent
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "rate"
    label       = "5xx share of requests (%)"
    expression  = "IF(requests >= ${var.alarms.ingest_5xx_min_requests}, 100 * errors / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.default.name }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.default.name }
      stat        = "Sum"
      period      = 300
    }
  }

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = merge(var.tags, var.alarm_tags)
}

# Klaviyo refused the API key (401/403). Deliver keeps such events and retries them, so nothing is lost yet, but
# they reach the DLQ after the queue's receive count: fix or rotate the key, then redrive.
resource "aws_cloudwatch_metric_alarm" "klaviyo_auth_failed" {
  count = var.alarms.create ? 1 : 0

  alarm_name        = "${var.name}-klaviyo-auth-failed"
  alarm_description = "Klaviyo answered 401 or 403 to ${var.name}: the API key is wrong, revoked or lacks a scope. Events are retried, then kept in the deliver DLQ for redrive once the key is fixed."

  namespace   = local.metrics_namespace
  metric_name = "klaviyo_auth_failed"
  dimensions  = { service = var.name, function = "deliver" }
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = merge(var.tags, var.alarm_tags)
}

# A stage that fails message after message does not show as Lambda errors (failures are partial batch
# responses) nor, for long, in the queue's oldest-message age (SQS leaves out messages received three times or
# more). These catch it early, before the DLQ does: hydrate retrying (its source API failing) and Klaviyo
# answering 5xx or not at all, sustained for 15 minutes.
locals {
  sustained_failure_alarms = var.alarms.create ? {
    hydrate-retries = {
      function    = "hydrate"
      metric      = "retried"
      description = "hydrate of ${var.name} retried more than ${var.alarms.sustained_failures_threshold} messages in each of three 5-minute periods: the source's API is failing or slow. Messages reach the hydrate DLQ after the queue's receive count."
    }
    klaviyo-server-errors = {
      function    = "deliver"
      metric      = "klaviyo_server_errors"
      description = "Klaviyo answered ${var.name} with 5xx or timed out more than ${var.alarms.sustained_failures_threshold} times in each of three 5-minute periods. Events are retried with backoff, then kept in the deliver DLQ."
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "sustained_failures" {
  for_each = local.sustained_failure_alarms

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = each.value.description

  namespace   = local.metrics_namespace
  metric_name = each.value.metric
  dimensions  = { service = var.name, function = each.value.function }
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 3
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.sustained_failures_threshold
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = merge(var.tags, var.alarm_tags)
}

# A source whose part of the configuration document is refused (a JSONata syntax error, a part written by hand):
# the other sources are served, its webhooks wait — ingest answers 503 so the sender retries, hydrate defers them
# (never to the DLQ) — until the document is fixed (docs/adr/0025-configuration-layout-and-source-isolation.md).
# Counted each time a function reads such a document (source_config_refused) and for each webhook kept waiting
# (source_config_waiting); the logs name the source and its problems.
locals {
  source_config_metrics = {
    refused_ingest  = { metric = "source_config_refused", function = "ingest" }
    refused_hydrate = { metric = "source_config_refused", function = "hydrate" }
    waiting_ingest  = { metric = "source_config_waiting", function = "ingest" }
    waiting_hydrate = { metric = "source_config_waiting", function = "hydrate" }
  }
}

resource "aws_cloudwatch_metric_alarm" "source_config_invalid" {
  count = var.alarms.create ? 1 : 0

  alarm_name        = "${var.name}-source-config-invalid"
  alarm_description = "A source's part of the ${var.name} configuration document is invalid: its webhooks wait (ingest answers 503, hydrate defers them) until the document is fixed; every other source is served. The ingest and hydrate logs name the source and its problems."

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "invalid"
    label       = "Reads of a refused source part and webhooks kept waiting"
    expression  = join(" + ", [for id in keys(local.source_config_metrics) : "FILL(${id}, 0)"])
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.source_config_metrics
    content {
      id = metric_query.key
      metric {
        namespace   = local.metrics_namespace
        metric_name = metric_query.value.metric
        dimensions  = { service = var.name, function = metric_query.value.function }
        stat        = "Sum"
        period      = 300
      }
    }
  }

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = merge(var.tags, var.alarm_tags)
}

# The archive is optional: hydrate sends a webhook on whether or not its archive write succeeds, and counts the
# webhooks it could not archive (archive_failed). Any of them means a gap `relay replay` cannot fill.
resource "aws_cloudwatch_metric_alarm" "archive_failed" {
  count = var.alarms.create && var.archive.enabled ? 1 : 0

  alarm_name        = "${var.name}-archive-failed"
  alarm_description = "hydrate of ${var.name} could not write webhooks to the archive bucket: they were delivered, but relay replay will not find them. See the 'could not write the archive' lines in ${module.function["hydrate"].log_group_name}."

  namespace   = local.metrics_namespace
  metric_name = "archive_failed"
  dimensions  = { service = var.name, function = "hydrate" }
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = merge(var.tags, var.alarm_tags)
}

################################################################################
# A CloudWatch dashboard for the relay: webhooks in (by source, rejections by reason), the queues (depth, oldest
# message, DLQs), Klaviyo (requests, 429s, server errors, latency), delivered events a minute against the budget
# the relay may use, and hydrate's retries and dead letters by reason. Metrics are the functions' own (EMF,
# namespace KlaviyoWebhookRelay, dimension service = var.name) and AWS's for SQS and API Gateway.
################################################################################

locals {
  dashboard_name = "${var.name}-relay"
  relay_metric   = { service = var.name }
  # Create Event's steady limit (3,500 a minute) times the share the relay may use: the line delivered events
  # are drawn against. Bulk requests carry up to 1,000 events each and can go above it.
  create_event_budget_per_minute = floor(3500 * var.klaviyo.rate_budget_share)

  # Every queue, each deliver family's too (queues.tf).
  dashboard_queues = concat(["hydrate"], local.deliver_queue_keys)

  # [namespace, metric, dimension name, value, …] rows for a widget.
  relay_row = { for f in ["ingest", "hydrate", "deliver"] : f => ["service", var.name, "function", f] }

  dashboard_widgets = [
    {
      type = "text", x = 0, y = 0, width = 24, height = 2,
      properties = {
        markdown = "## ${var.name}: webhooks → Klaviyo\nDead letters: `npm run relay -- dlq list <hydrate|deliver> --stack stack.json` (stack.json from `terraform output -json`). Logs: ${join(", ", [for f in ["ingest", "hydrate", "deliver"] : module.function[f].log_group_name])}."
      }
    },
    {
      type = "metric", x = 0, y = 2, width = 8, height = 6,
      properties = {
        title   = "Webhooks accepted, by source", region = data.aws_region.current.name, view = "timeSeries", stat = "Sum", period = 300,
        metrics = [[{ expression = "SEARCH('{${local.metrics_namespace},service,function,source} MetricName=\"accepted_by_source\" service=\"${var.name}\"', 'Sum', 300)", id = "bysource", label = "" }]]
      }
    },
    {
      type = "metric", x = 8, y = 2, width = 8, height = 6,
      properties = {
        title   = "Ingest outcomes", region = data.aws_region.current.name, view = "timeSeries", stat = "Sum", period = 300,
        metrics = [for m in ["accepted", "duplicates", "inProgress", "failed", "acknowledged"] : concat([local.metrics_namespace, m], local.relay_row.ingest)]
      }
    },
    {
      type = "metric", x = 16, y = 2, width = 8, height = 6,
      properties = {
        title   = "Rejected requests, by reason", region = data.aws_region.current.name, view = "timeSeries", stat = "Sum", period = 300,
        metrics = [[{ expression = "SEARCH('{${local.metrics_namespace},service,function,reason} MetricName=\"rejected\" service=\"${var.name}\"', 'Sum', 300)", id = "byreason", label = "" }]]
      }
    },
    {
      type = "metric", x = 0, y = 8, width = 8, height = 6,
      properties = {
        title   = "Queue depth (visible messages)", region = data.aws_region.current.name, view = "timeSeries", stat = "Maximum", period = 60,
        metrics = [for q in local.dashboard_queues : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", module.queue[q].queue_name, { label = q }]]
      }
    },
    {
      type = "metric", x = 8, y = 8, width = 8, height = 6,
      properties = {
        title   = "Oldest message age (s)", region = data.aws_region.current.name, view = "timeSeries", stat = "Maximum", period = 60,
        metrics = [for q in local.dashboard_queues : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", module.queue[q].queue_name, { label = q }]]
      }
    },
    {
      type = "metric", x = 16, y = 8, width = 8, height = 6,
      properties = {
        title   = "Dead letters waiting (DLQ depth)", region = data.aws_region.current.name, view = "timeSeries", stat = "Maximum", period = 60,
        metrics = [for q in local.dashboard_queues : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", module.queue[q].dlq_name, { label = "${q} DLQ" }]]
      }
    },
    {
      type = "metric", x = 0, y = 14, width = 8, height = 6,
      properties = {
        title = "Klaviyo requests, 429s and server errors", region = data.aws_region.current.name, view = "timeSeries", period = 60,
        metrics = [
          concat([local.metrics_namespace, "klaviyo_latency"], local.relay_row.deliver, [{ stat = "SampleCount", label = "requests" }]),
          concat([local.metrics_namespace, "throttled"], local.relay_row.deliver, [{ stat = "Sum", label = "429s" }]),
          concat([local.metrics_namespace, "klaviyo_server_errors"], local.relay_row.deliver, [{ stat = "Sum", label = "5xx and timeouts" }]),
          concat([local.metrics_namespace, "klaviyo_challenged"], local.relay_row.deliver, [{ stat = "Sum", label = "403 challenges" }]),
        ]
      }
    },
    {
      type = "metric", x = 8, y = 14, width = 8, height = 6,
      properties = {
        title   = "Klaviyo latency (ms)", region = data.aws_region.current.name, view = "timeSeries", period = 60,
        metrics = [for p in ["p50", "p90", "p99"] : concat([local.metrics_namespace, "klaviyo_latency"], local.relay_row.deliver, [{ stat = p, label = p }])]
      }
    },
    {
      type = "metric", x = 16, y = 14, width = 8, height = 6,
      properties = {
        title = "Delivered events a minute, against the budget", region = data.aws_region.current.name, view = "timeSeries", period = 60, stat = "Sum",
        metrics = [
          concat([local.metrics_namespace, "delivered"], local.relay_row.deliver, [{ label = "delivered" }]),
          concat([local.metrics_namespace, "deferred"], local.relay_row.deliver, [{ label = "deferred (budget)" }]),
        ]
        annotations = { horizontal = [{ label = "Create Event budget (${var.klaviyo.rate_budget_share} of 3,500/min)", value = local.create_event_budget_per_minute }] }
      }
    },
    {
      type = "metric", x = 0, y = 20, width = 12, height = 6,
      properties = {
        title = "Hydrate: source API retries and skipped writes", region = data.aws_region.current.name, view = "timeSeries", period = 300, stat = "Sum",
        metrics = [
          concat([local.metrics_namespace, "retried"], local.relay_row.hydrate, [{ label = "retried (source API errors, timeouts)" }]),
          concat([local.metrics_namespace, "skipped_by_filter"], local.relay_row.hydrate, [{ label = "skipped by a filter" }]),
          concat([local.metrics_namespace, "skipped_by_mapping_problem"], local.relay_row.hydrate, [{ label = "skipped: the mapping gave what Klaviyo cannot take (e.g. SMS without an E.164 phone)" }]),
          concat([local.metrics_namespace, "redriven"], local.relay_row.hydrate, [{ label = "redriven dead letters" }]),
        ]
      }
    },
    {
      type = "metric", x = 12, y = 20, width = 12, height = 6,
      properties = {
        title   = "Dead-lettered, by stage and reason", region = data.aws_region.current.name, view = "timeSeries", period = 300, stat = "Sum",
        metrics = [[{ expression = "SEARCH('{${local.metrics_namespace},service,function,reason} MetricName=\"dead_lettered_by_reason\" service=\"${var.name}\"', 'Sum', 300)", id = "dlbyreason", label = "" }]]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create_dashboard ? 1 : 0

  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  function_names = ["ingest", "hydrate", "deliver"]

  # Defaults per function; anything set in var.functions wins. ingest answers the sender synchronously, so it
  # gets a short timeout; the queue consumers get longer ones (their queues' visibility follows).
  function_defaults = {
    ingest  = { memory_size = 256, timeout = 10, description = "Verifies, dedupes and enqueues webhooks." }
    hydrate = { memory_size = 256, timeout = 30, description = "Fetches what thin webhooks lack and maps them to Klaviyo events." }
    deliver = { memory_size = 256, timeout = 30, description = "Sends events to Klaviyo within its rate limits." }
  }

  function_settings = {
    for f in local.function_names : f => {
      description          = local.function_defaults[f].description
      memory_size          = coalesce(try(var.functions[f].memory_size, null), local.function_defaults[f].memory_size)
      timeout              = coalesce(try(var.functions[f].timeout, null), local.function_defaults[f].timeout)
      reserved_concurrency = coalesce(try(var.functions[f].reserved_concurrency, null), -1)
      log_retention_days   = coalesce(try(var.functions[f].log_retention_days, null), 30)
      log_level            = coalesce(try(var.functions[f].log_level, null), "INFO")
      runtime              = coalesce(try(var.functions[f].runtime, null), "nodejs22.x")
      architecture         = coalesce(try(var.functions[f].architecture, null), "arm64")
    }
  }

  # The release's prebuilt zips travel with the module (terraform/artifacts, checked against a fresh build in
  # CI), so a module sourced from a git ref deploys with the AWS provider alone.
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/artifacts")

  packages = {
    for f in local.function_names : f => try(var.artifacts[f], null) != null ? var.artifacts[f] : {
      filename          = "${local.artifacts_dir}/${f}.zip"
      s3_bucket         = null
      s3_key            = null
      s3_object_version = null
      source_code_hash  = null
    }
  }

  # Per-resource tag maps go over the common tags; the submodules tag every resource they create with these.
  function_tags = merge(var.tags, var.function_tags)
  queue_tags    = merge(var.tags, var.queue_tags)

  # The relay's metrics carry the dimensions service (this deployment's name) and function, so that two
  # relays in one account keep apart and the alarms in alarms.tf can name them.
  metrics_namespace = "KlaviyoWebhookRelay"

  common_environment = {
    RELAY_CONFIG_PARAMETER       = aws_ssm_parameter.config.name
    POWERTOOLS_SERVICE_NAME      = var.name
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    # Bodies larger than the queues take travel as claim checks through the payload bucket (payloads.tf).
    MAX_MESSAGE_BYTES  = tostring(local.max_message_bytes)
    CLAIM_CHECK_BUCKET = module.payload_bucket.name
  }

  # JSON object family key → queue URL of the families with their own deliver queue (empty when none).
  deliver_family_queue_urls = jsonencode({ for f, q in local.deliver_family_queues : f => module.queue[q].queue_url })

  # Exactly the variables docs/runtime-contract.md lists for each function.
  environment = {
    ingest = merge(local.common_environment, {
      POWERTOOLS_LOG_LEVEL = local.function_settings.ingest.log_level
      DEDUPE_TABLE_NAME    = local.dedupe_table_name
      HYDRATE_QUEUE_URL    = module.queue["hydrate"].queue_url
    })
    hydrate = merge(local.common_environment, {
      POWERTOOLS_LOG_LEVEL = local.function_settings.hydrate.log_level
      HYDRATE_QUEUE_URL    = module.queue["hydrate"].queue_url
      HYDRATE_DLQ_URL      = module.queue["hydrate"].dlq_url
      DELIVER_QUEUE_URL    = module.queue["deliver"].queue_url
      # Family key → its own deliver queue; a family not in it goes to DELIVER_QUEUE_URL (queues.tf).
      DELIVER_QUEUE_URLS = local.deliver_family_queue_urls
      # The stage dead-letters a message itself, with the reason, before its last allowed receive fails.
      MAX_RECEIVE_COUNT = tostring(local.queue_settings["hydrate"].max_receive_count)
      }, local.archive_enabled ? {
      # Every webhook hydrate handles is archived here (archive.tf).
      ARCHIVE_BUCKET = module.archive_bucket[0].name
    } : {})
    deliver = merge(local.common_environment, {
      POWERTOOLS_LOG_LEVEL = local.function_settings.deliver.log_level
      DELIVER_QUEUE_URL    = module.queue["deliver"].queue_url
      DELIVER_DLQ_URL      = module.queue["deliver"].dlq_url
      # A record's delayed copy and dead letter go to the pair of the queue it came from (same keys as hydrate's).
      DELIVER_QUEUE_URLS = local.deliver_family_queue_urls
      DELIVER_DLQ_URLS   = jsonencode({ for f, q in local.deliver_family_queues : f => module.queue[q].dlq_url })
      # The same for every deliver queue: they all take deliver's settings.
      MAX_RECEIVE_COUNT = tostring(local.queue_settings["deliver"].max_receive_count)
      # The newest profile write per profile, under the STATE# prefix: older writes (a replay) are skipped.
      DEDUPE_TABLE_NAME = local.dedupe_table_name
      STATE_TTL_SECONDS = tostring(local.state_ttl_seconds)
    })
  }

  # Which queue triggers which function.
  consumed_queue = {
    ingest  = null
    hydrate = "hydrate"
    deliver = "deliver"
  }
}

################################################################################
# The three functions, each with its own role, log group and (for consumers) event source mapping
################################################################################

module "function" {
  source   = "./modules/function"
  for_each = local.function_settings

  name        = "${var.name}-${each.key}"
  description = each.value.description
  handler     = "index.handler"
  runtime     = each.value.runtime

  architecture                   = each.value.architecture
  memory_size                    = each.value.memory_size
  timeout                        = each.value.timeout
  reserved_concurrent_executions = each.value.reserved_concurrency
  log_retention_days             = each.value.log_retention_days
  kms_key_arn                    = var.kms_key_arn

  package               = local.packages[each.key]
  environment_variables = local.environment[each.key]

  attach_policy = true
  policy_json   = local.policy_json[each.key]

  sqs_event_source = local.consumed_queue[each.key] == null ? null : {
    queue_arn                          = module.queue[local.consumed_queue[each.key]].queue_arn
    queue_visibility_timeout_seconds   = local.queue_settings[local.consumed_queue[each.key]].visibility_timeout_seconds
    batch_size                         = local.queue_settings[local.consumed_queue[each.key]].batch_size
    maximum_batching_window_in_seconds = local.queue_settings[local.consumed_queue[each.key]].maximum_batching_window_in_seconds
    maximum_concurrency                = local.queue_settings[local.consumed_queue[each.key]].maximum_concurrency
  }

  create_alarms          = var.alarms.create
  alarm_actions          = local.alarm_actions
  errors_alarm_threshold = var.alarms.function_errors_threshold

  tags = local.function_tags
}

# deliver consumes every family's queue too (queues.tf), each through its own mapping with the deliver queue's
# batching and maximum concurrency, so one family's backlog never holds another's batches. Written here rather
# than in modules/function, which maps one queue, so the hydrate and deliver mappings keep their addresses. The
# queue module checks each queue's visibility timeout against deliver's timeout.
resource "aws_lambda_event_source_mapping" "deliver_family" {
  for_each = toset(values(local.deliver_family_queues))

  event_source_arn = module.queue[each.key].queue_arn
  function_name    = module.function["deliver"].function_arn

  batch_size                         = local.queue_settings[each.key].batch_size
  maximum_batching_window_in_seconds = local.queue_settings[each.key].maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = local.queue_settings[each.key].maximum_concurrency
  }
}

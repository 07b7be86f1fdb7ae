locals {
  queue_consumer = {
    hydrate = "hydrate"
    deliver = "deliver"
  }

  # Deliver's failures (5xx, timeouts, a bad key) get more receives than hydrate's; deferrals for Klaviyo's budget
  # and 429s cost none (they are re-sent). local/emulators.ts DEFAULT_MAX_RECEIVE_COUNT must equal these.
  default_max_receive_count = {
    hydrate = 5
    deliver = 10
  }

  queue_settings = {
    for q, consumer in local.queue_consumer : q => {
      # Default visibility: 6 times the consumer's timeout, the least AWS recommends for an event source mapping.
      visibility_timeout_seconds = coalesce(
        try(var.queues[q].visibility_timeout_seconds, null),
        6 * local.function_settings[consumer].timeout,
      )
      consumer_timeout_seconds      = local.function_settings[consumer].timeout
      max_receive_count             = coalesce(try(var.queues[q].max_receive_count, null), local.default_max_receive_count[q])
      message_retention_seconds     = try(var.queues[q].message_retention_seconds, 345600)
      dlq_message_retention_seconds = try(var.queues[q].dlq_message_retention_seconds, 1209600)
      # The largest AWS provider 5.x allows (local/emulators.ts MAX_MESSAGE_BYTES equals the default); larger
      # bodies go through the claim check (payloads.tf).
      max_message_size                   = try(var.queues[q].max_message_size, 262144)
      batch_size                         = try(var.queues[q].batch_size, 10)
      maximum_batching_window_in_seconds = try(var.queues[q].maximum_batching_window_in_seconds, 0)
      # Deliver's instances each keep to 1/max_concurrency of Klaviyo's limits, so the mapping must allow exactly that many.
      maximum_concurrency = q == "deliver" ? var.klaviyo.max_concurrency : try(var.queues[q].maximum_concurrency, null)
    }
  }
}

locals {
  # What every function is told (MAX_MESSAGE_BYTES): a body larger than the smallest queue takes is claim-checked.
  max_message_bytes = min([for q in values(local.queue_settings) : q.max_message_size]...)
}

module "queue" {
  source   = "./modules/queue"
  for_each = local.queue_settings

  name                          = "${var.name}-${each.key}"
  visibility_timeout_seconds    = each.value.visibility_timeout_seconds
  consumer_timeout_seconds      = each.value.consumer_timeout_seconds
  max_receive_count             = each.value.max_receive_count
  message_retention_seconds     = each.value.message_retention_seconds
  dlq_message_retention_seconds = each.value.dlq_message_retention_seconds
  max_message_size              = each.value.max_message_size
  kms_key_arn                   = var.kms_key_arn

  create_alarms                    = var.alarms.create
  alarm_actions                    = local.alarm_actions
  oldest_message_age_alarm_seconds = var.alarms.queue_oldest_message_age_seconds

  tags = local.queue_tags
}

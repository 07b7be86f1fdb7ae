locals {
  # A deliver queue per Klaviyo write family (functions/shared/stage/deliver-families.ts), so that one family's
  # backlog or catalog read-backs never hold another's batches (docs/adr/0035, 0036). Events keep the `deliver`
  # queue, so an upgrade does not replace it; var.deliver_queues says which other families get their own.
  deliver_family_queues = { for f in sort(var.deliver_queues) : f => "deliver-${f}" }
  # Every queue deliver consumes: the events queue first, then the families' in order of family key.
  deliver_queue_keys = concat(["deliver"], values(local.deliver_family_queues))

  queue_consumer = merge(
    {
      hydrate = "hydrate"
      deliver = "deliver"
    },
    { for q in values(local.deliver_family_queues) : q => "deliver" },
  )

  # Deliver's failures (5xx, timeouts, a bad key) get more receives than hydrate's; deferrals for Klaviyo's budget
  # and 429s cost none (they are re-sent). local/emulators.ts DEFAULT_MAX_RECEIVE_COUNT must equal these.
  default_max_receive_count = {
    hydrate = 5
    deliver = 10
  }

  # Settings are per consumer (var.queues is keyed hydrate or deliver): every deliver queue takes deliver's.
  queue_settings = {
    for q, consumer in local.queue_consumer : q => {
      # Default visibility: 6 times the consumer's timeout, the least AWS recommends for an event source mapping.
      visibility_timeout_seconds = coalesce(
        try(var.queues[consumer].visibility_timeout_seconds, null),
        6 * local.function_settings[consumer].timeout,
      )
      consumer_timeout_seconds      = local.function_settings[consumer].timeout
      max_receive_count             = coalesce(try(var.queues[consumer].max_receive_count, null), local.default_max_receive_count[consumer])
      message_retention_seconds     = try(var.queues[consumer].message_retention_seconds, 345600)
      dlq_message_retention_seconds = try(var.queues[consumer].dlq_message_retention_seconds, 1209600)
      # The largest AWS provider 5.x allows (local/emulators.ts MAX_MESSAGE_BYTES equals the default); larger
      # bodies go through the claim check (payloads.tf).
      max_message_size                   = try(var.queues[consumer].max_message_size, 262144)
      batch_size                         = try(var.queues[consumer].batch_size, 10)
      maximum_batching_window_in_seconds = try(var.queues[consumer].maximum_batching_window_in_seconds, 0)
      # Deliver's instances each keep to 1/max_concurrency of Klaviyo's limits, so the mapping must allow exactly that many.
      maximum_concurrency = consumer == "deliver" ? var.klaviyo.max_concurrency : try(var.queues[consumer].maximum_concurrency, null)
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

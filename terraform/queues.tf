locals {
  queue_consumer = {
    hydrate = "hydrate"
    deliver = "deliver"
  }

  queue_settings = {
    for q, consumer in local.queue_consumer : q => {
      # Default visibility: 6 times the consumer's timeout, the least AWS recommends for an event source mapping.
      visibility_timeout_seconds = coalesce(
        try(var.queues[q].visibility_timeout_seconds, null),
        6 * local.function_settings[consumer].timeout,
      )
      consumer_timeout_seconds           = local.function_settings[consumer].timeout
      max_receive_count                  = try(var.queues[q].max_receive_count, 5)
      message_retention_seconds          = try(var.queues[q].message_retention_seconds, 345600)
      dlq_message_retention_seconds      = try(var.queues[q].dlq_message_retention_seconds, 1209600)
      batch_size                         = try(var.queues[q].batch_size, 10)
      maximum_batching_window_in_seconds = try(var.queues[q].maximum_batching_window_in_seconds, 0)
      maximum_concurrency                = try(var.queues[q].maximum_concurrency, null)
    }
  }
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
  kms_key_arn                   = var.kms_key_arn

  tags = var.tags
}

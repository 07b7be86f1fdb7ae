################################################################################
# Payload bucket of the claim check (functions/shared/stage/claim-check.ts): a message body larger than the queues
# take (MAX_MESSAGE_BYTES) is stored here and the message carries its reference. Private, owner-enforced,
# encrypted (the customer key when given, else SSE-S3), TLS only, and every object expires after the time its
# message and that message's dead letter can live. Keys are <writing stage>/<source>/<hash>/<uuid>.json, so IAM
# grants each function its own prefix (iam.tf). The bucket is modules/bucket; moved.tf keeps the state of
# deployments made before it was.
################################################################################

locals {
  # A body must outlive the message that names it: the longest a message waits in a queue, then as a dead letter.
  payload_min_expiration_days = ceil(
    (max([for q in values(local.queue_settings) : q.message_retention_seconds]...) +
    max([for q in values(local.queue_settings) : q.dlq_message_retention_seconds]...)) / 86400
  ) + 1
  payload_expiration_days = coalesce(var.payload_expiration_days, local.payload_min_expiration_days)
  payload_bucket_arn      = module.payload_bucket.arn
}

module "payload_bucket" {
  source = "./modules/bucket"

  name_prefix = "${var.name}-payloads-"
  # The objects are copies of messages in flight.
  force_destroy = true
  kms_key_arn   = var.kms_key_arn

  expiration_rule_id = "expire-claim-checked-payloads"
  expiration_days    = local.payload_expiration_days

  tags = var.tags
}

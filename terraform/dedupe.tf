################################################################################
# Dedupe table: one item per source#deliveryId, expiring after ingest.dedupe_ttl_seconds. Created here unless
# the caller brings its own (dedupe_table.existing_table_arn), which must have the same key and TTL attribute.
################################################################################

locals {
  create_dedupe_table = var.dedupe_table.existing_table_arn == null
  dedupe_table_arn    = local.create_dedupe_table ? aws_dynamodb_table.dedupe[0].arn : var.dedupe_table.existing_table_arn
  dedupe_table_name   = local.create_dedupe_table ? aws_dynamodb_table.dedupe[0].name : element(split("/", var.dedupe_table.existing_table_arn), 1)

  # Deliver keeps the time of the newest profile write per profile identifier in this table (STATE# keys,
  # functions/deliver/state-versions.ts), for as long as an older webhook can still come back: the archive's
  # retention (relay replay), or the longest a message and its dead letter live, and a day.
  state_ttl_seconds = max(
    local.archive_enabled ? var.archive.retention_days * 86400 : 0,
    max([for q in values(local.queue_settings) : q.message_retention_seconds]...) +
    max([for q in values(local.queue_settings) : q.dlq_message_retention_seconds]...),
  ) + 86400
}

resource "aws_dynamodb_table" "dedupe" {
  count = local.create_dedupe_table ? 1 : 0

  name         = "${var.name}-dedupe"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  # Encrypted with the customer key when given, otherwise with the AWS-managed key (aws/dynamodb).
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.dedupe_table.point_in_time_recovery
  }

  deletion_protection_enabled = var.dedupe_table.deletion_protection

  tags = merge(var.tags, var.dedupe_table_tags)
}

################################################################################
# Dedupe table: one item per source#deliveryId, expiring after ingest.dedupe_ttl_seconds
################################################################################

resource "aws_dynamodb_table" "dedupe" {
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

  tags = var.tags
}

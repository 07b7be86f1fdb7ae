################################################################################
# Payload bucket of the claim check (functions/shared/stage/claim-check.ts): a message body larger than the queues
# take (MAX_MESSAGE_BYTES) is stored here and the message carries its reference. Private, owner-enforced,
# encrypted (the customer key when given, else SSE-S3), TLS only, and every object expires after the time its
# message and that message's dead letter can live. Keys are <writing stage>/<source>/<hash>/<uuid>.json, so IAM
# grants each function its own prefix (iam.tf).
################################################################################

locals {
  # A body must outlive the message that names it: the longest a message waits in a queue, then as a dead letter.
  payload_min_expiration_days = ceil(
    (max([for q in values(local.queue_settings) : q.message_retention_seconds]...) +
    max([for q in values(local.queue_settings) : q.dlq_message_retention_seconds]...)) / 86400
  ) + 1
  payload_expiration_days = coalesce(var.payload_expiration_days, local.payload_min_expiration_days)
  payload_bucket_arn      = aws_s3_bucket.payloads.arn
}

resource "aws_s3_bucket" "payloads" {
  # bucket_prefix takes at most 37 characters; lower case only. The objects are copies of messages in flight.
  bucket_prefix = substr(lower("${var.name}-payloads-"), 0, 37)
  force_destroy = true

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "payloads" {
  bucket = aws_s3_bucket.payloads.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "payloads" {
  bucket = aws_s3_bucket.payloads.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "payloads" {
  bucket = aws_s3_bucket.payloads.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # One data key per bucket, not per object: far fewer KMS calls with a customer key.
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "payloads" {
  bucket = aws_s3_bucket.payloads.id

  rule {
    id     = "expire-claim-checked-payloads"
    status = "Enabled"

    filter {}

    expiration {
      days = local.payload_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  lifecycle {
    precondition {
      condition     = local.payload_expiration_days >= local.payload_min_expiration_days
      error_message = "payload_expiration_days (${local.payload_expiration_days}) must be at least ${local.payload_min_expiration_days}: the longest queue retention plus the longest DLQ retention, plus a day, or a message could name a body that is gone."
    }
  }
}

resource "aws_s3_bucket_policy" "payloads" {
  bucket = aws_s3_bucket.payloads.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.payloads.arn, "${aws_s3_bucket.payloads.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.payloads]
}

################################################################################
# Archive of accepted webhooks (optional, archive.enabled): hydrate writes every webhook it handles here, as
# gzipped JSON Lines under archive/<YYYY>/<MM>/<DD>/<HH>/ by hour of receipt (functions/shared/archive.ts), and
# `relay replay` reads a time range back. Its own bucket, for its own lifecycle (retention_days): the claim
# check's bucket keeps bodies only while their messages live. Private, owner-enforced, encrypted with the
# module's key when given (else SSE-S3), TLS only. docs/adr/0019-webhook-archive.md.
################################################################################

locals {
  archive_enabled    = var.archive.enabled
  archive_bucket_arn = try(aws_s3_bucket.archive[0].arn, null)
}

resource "aws_s3_bucket" "archive" {
  count = local.archive_enabled ? 1 : 0

  bucket_prefix = substr(lower("${var.name}-archive-"), 0, 37)
  # The archive is data the team may want to keep past a destroy; emptying it is a deliberate act.
  force_destroy = var.archive.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "archive" {
  count  = local.archive_enabled ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "archive" {
  count  = local.archive_enabled ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "archive" {
  count  = local.archive_enabled ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "archive" {
  count  = local.archive_enabled ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id

  rule {
    id     = "expire-archived-webhooks"
    status = "Enabled"

    filter {
      prefix = "archive/"
    }

    expiration {
      days = var.archive.retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_policy" "archive" {
  count  = local.archive_enabled ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.archive[0].arn, "${aws_s3_bucket.archive[0].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.archive]
}

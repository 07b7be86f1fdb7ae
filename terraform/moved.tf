################################################################################
# Moves: the payload and archive buckets were written out in payloads.tf and archive.tf until they became
# modules/bucket. These blocks carry existing state to the new addresses, so an upgrade moves the buckets
# instead of destroying them (and the archived webhooks with them). test/infra/bucket-moves.test.ts applies
# the module as it was and proves that the plan of this one only moves them.
# docs/adr/0028-bucket-module-and-moved-state.md.
################################################################################

moved {
  from = aws_s3_bucket.payloads
  to   = module.payload_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.payloads
  to   = module.payload_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.payloads
  to   = module.payload_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.payloads
  to   = module.payload_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.payloads
  to   = module.payload_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.payloads
  to   = module.payload_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket.archive[0]
  to   = module.archive_bucket[0].aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.archive[0]
  to   = module.archive_bucket[0].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.archive[0]
  to   = module.archive_bucket[0].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.archive[0]
  to   = module.archive_bucket[0].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.archive[0]
  to   = module.archive_bucket[0].aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.archive[0]
  to   = module.archive_bucket[0].aws_s3_bucket_policy.this
}

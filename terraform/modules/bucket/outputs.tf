output "name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "force_destroy" {
  description = "Whether a destroy may delete the bucket while it still holds objects."
  value       = aws_s3_bucket.this.force_destroy
}

output "public_access_block" {
  description = "The bucket's public access block: block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets."
  value = {
    block_public_acls       = aws_s3_bucket_public_access_block.this.block_public_acls
    block_public_policy     = aws_s3_bucket_public_access_block.this.block_public_policy
    ignore_public_acls      = aws_s3_bucket_public_access_block.this.ignore_public_acls
    restrict_public_buckets = aws_s3_bucket_public_access_block.this.restrict_public_buckets
  }
}

output "object_ownership" {
  description = "Object ownership of the bucket (BucketOwnerEnforced: no ACLs)."
  value       = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership
}

output "encryption" {
  description = "Default encryption of the bucket: sse_algorithm (AES256 or aws:kms), kms_master_key_id and bucket_key_enabled."
  value = {
    sse_algorithm      = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm
    kms_master_key_id  = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id
    bucket_key_enabled = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
  }
}

output "expiration" {
  description = "The lifecycle rule that expires objects: rule_id, status, prefix (null for every object) and days."
  value = {
    rule_id = one(aws_s3_bucket_lifecycle_configuration.this.rule).id
    status  = one(aws_s3_bucket_lifecycle_configuration.this.rule).status
    prefix  = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).filter).prefix
    days    = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration).days
  }
}

output "policy" {
  description = "The bucket policy (JSON): it denies every request that does not use TLS."
  value       = aws_s3_bucket_policy.this.policy
}

################################################################################
# Archive of accepted webhooks (optional, archive.enabled): hydrate writes every webhook it handles here, as
# gzipped JSON Lines under archive/<YYYY>/<MM>/<DD>/<HH>/ by hour of receipt (functions/shared/archive.ts), and
# `relay replay` reads a time range back. Its own bucket, for its own lifecycle (retention_days): the claim
# check's bucket keeps bodies only while their messages live. Private, owner-enforced, encrypted with the
# module's key when given (else SSE-S3), TLS only: modules/bucket (moved.tf keeps the state of deployments made
# before it was). docs/adr/0019-webhook-archive.md.
################################################################################

locals {
  archive_enabled    = var.archive.enabled
  archive_bucket_arn = try(module.archive_bucket[0].arn, null)
}

module "archive_bucket" {
  source = "./modules/bucket"
  count  = local.archive_enabled ? 1 : 0

  name_prefix = "${var.name}-archive-"
  # The archive is data the team may want to keep past a destroy; emptying it is a deliberate act.
  force_destroy = var.archive.force_destroy
  kms_key_arn   = var.kms_key_arn

  expiration_rule_id = "expire-archived-webhooks"
  expiration_prefix  = "archive/"
  expiration_days    = var.archive.retention_days

  tags = var.tags
}

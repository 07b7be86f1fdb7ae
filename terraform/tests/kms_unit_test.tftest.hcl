# Plan-level tests of the customer-managed KMS key toggle: every store uses the key, and every function may
# use exactly that key and no other.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

override_resource {
  target          = aws_ssm_parameter.config
  override_during = plan
  values = {
    arn = "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config"
  }
}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"
  kms_key_arn   = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  sources = {
    shop = {
      kind    = "shopify"
      secrets = [{ ssm = "/relay/shop/secret" }]
    }
  }

  klaviyo = {
    api_key = { secrets_manager = "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/klaviyo-AbCdEf" }
  }
}

run "customer_key_everywhere" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.config.type == "SecureString" && aws_ssm_parameter.config.key_id == var.kms_key_arn
    error_message = "With a KMS key the configuration must be a SecureString encrypted with it."
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.config.value).version == jsondecode(output.config_document).version
    error_message = "A SecureString parameter must hold the document in value."
  }

  assert {
    condition     = alltrue([for p in values(aws_ssm_parameter.source_config) : p.type == "SecureString" && p.key_id == var.kms_key_arn])
    error_message = "With a KMS key each source's part must be a SecureString encrypted with it."
  }

  assert {
    condition     = aws_dynamodb_table.dedupe[0].server_side_encryption[0].enabled && aws_dynamodb_table.dedupe[0].server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "The table must be encrypted with the customer key."
  }

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] :
      module.queue[q].encryption.queue.kms_master_key_id == var.kms_key_arn &&
      module.queue[q].encryption.dlq.kms_master_key_id == var.kms_key_arn
    ])
    error_message = "Queues and DLQs must be encrypted with the customer key."
  }

  assert {
    condition = (
      module.payload_bucket.encryption.sse_algorithm == "aws:kms" &&
      module.payload_bucket.encryption.kms_master_key_id == var.kms_key_arn &&
      module.payload_bucket.encryption.bucket_key_enabled
    )
    error_message = "The payload bucket must encrypt with the customer key (with an S3 bucket key)."
  }

  assert {
    condition     = aws_cloudwatch_log_group.api_access[0].kms_key_id == var.kms_key_arn
    error_message = "The access log group must be encrypted with the customer key."
  }

  assert {
    condition = alltrue([for f in ["ingest", "hydrate", "deliver"] :
      one([for s in local.policy_statements[f] : s if s.Sid == "UseCustomerKey"]) == {
        Sid      = "UseCustomerKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
      }
    ])
    error_message = "Each function may decrypt and generate data keys with the customer key only."
  }

  assert {
    condition = one([for s in local.policy_statements.deliver : s.Resource if s.Sid == "ReadSecrets"]) == tolist([
      "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/klaviyo-AbCdEf",
      "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/klaviyo-AbCdEf-??????",
    ])
    error_message = "deliver must read the Klaviyo key from Secrets Manager by its ARN."
  }

  assert {
    condition     = length([for s in local.policy_statements.ingest : s if s.Sid == "ReadSecrets"]) == 0
    error_message = "ingest must not get Secrets Manager access when no source secret lives there."
  }
}

run "without_key_nothing_mentions_kms" {
  command = plan

  variables {
    kms_key_arn = null
  }

  assert {
    condition     = aws_ssm_parameter.config.type == "SecureString" && aws_ssm_parameter.config.key_id == "alias/aws/ssm" && alltrue([for p in values(aws_ssm_parameter.source_config) : p.key_id == "alias/aws/ssm"])
    error_message = "Without a KMS key the configuration must still be encrypted at rest: a SecureString with the AWS-managed aws/ssm key."
  }

  assert {
    condition     = alltrue(flatten([for f, statements in local.policy_statements : [for s in statements : !startswith(s.Action[0], "kms:")]]))
    error_message = "Without a KMS key no function may get KMS permissions."
  }

  assert {
    condition     = aws_dynamodb_table.dedupe[0].server_side_encryption[0].enabled
    error_message = "Without a KMS key the table must still be encrypted (AWS-managed key)."
  }

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] :
      module.queue[q].encryption.queue.sqs_managed_sse_enabled && module.queue[q].encryption.dlq.sqs_managed_sse_enabled
    ])
    error_message = "Without a KMS key the queues must use SSE-SQS."
  }
}

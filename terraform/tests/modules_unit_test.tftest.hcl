# Plan-level tests of the building blocks on their own (run blocks with a module source), including the
# preconditions that guard them when they are used outside this root module.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.this
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-2:123456789012:log-group:/aws/lambda/worker"
  }
}

override_resource {
  target          = aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:jobs"
  }
}

override_resource {
  target          = aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:jobs-dlq"
  }
}

variables {
  name        = "worker"
  package     = { filename = "tests/fixtures/hydrate.zip" }
  timeout     = 30
  policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-2:123456789012:out\"}]}"
  sqs_event_source = {
    queue_arn                        = "arn:aws:sqs:us-east-2:123456789012:jobs"
    queue_visibility_timeout_seconds = 180
  }
}

################################################################################
# modules/function
################################################################################

run "function_with_queue_trigger" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    attach_policy = true
    sqs_event_source = {
      queue_arn                          = "arn:aws:sqs:us-east-2:123456789012:jobs"
      queue_visibility_timeout_seconds   = 180
      batch_size                         = 25
      maximum_batching_window_in_seconds = 2
      maximum_concurrency                = 3
    }
  }

  assert {
    condition = (
      aws_lambda_function.this.runtime == "nodejs22.x" &&
      aws_lambda_function.this.architectures == tolist(["arm64"]) &&
      aws_lambda_function.this.handler == "index.handler"
    )
    error_message = "Defaults must be nodejs22.x, arm64, index.handler."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/hydrate.zip") && aws_lambda_function.this.filename == "tests/fixtures/hydrate.zip"
    error_message = "source_code_hash must be filebase64sha256 of the zip."
  }

  assert {
    condition     = toset(aws_lambda_event_source_mapping.this[0].function_response_types) == toset(["ReportBatchItemFailures"])
    error_message = "The mapping must report partial batch failures."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this[0].event_source_arn == "arn:aws:sqs:us-east-2:123456789012:jobs" &&
      aws_lambda_event_source_mapping.this[0].batch_size == 25 &&
      aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds == 2 &&
      aws_lambda_event_source_mapping.this[0].scaling_config[0].maximum_concurrency == 3
    )
    error_message = "Batch size, batching window and maximum concurrency must reach the mapping."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" }
    error_message = "Only Lambda may assume the role."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.logs.policy).Statement == [{
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["arn:aws:logs:us-east-2:123456789012:log-group:/aws/lambda/worker:*"]
    }]
    error_message = "The function may write to its own log group's streams only."
  }

  assert {
    condition     = aws_iam_role_policy.this[0].policy == var.policy_json
    error_message = "The policy passed in must be attached as it is."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/worker" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group must be /aws/lambda/<name> with 30 days' retention by default."
  }
}

run "function_without_trigger_or_policy" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    sqs_event_source = null
    kms_key_arn      = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this) == 0 && length(aws_iam_role_policy.this) == 0
    error_message = "Without a queue or attach_policy there must be no mapping and no extra policy."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "The KMS key must encrypt the log group and the environment."
  }
}

run "function_from_s3" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    package = { s3_bucket = "artifacts", s3_key = "relay/1.0.0/hydrate.zip", source_code_hash = "c2hhMjU2" }
  }

  assert {
    condition     = aws_lambda_function.this.s3_bucket == "artifacts" && aws_lambda_function.this.s3_key == "relay/1.0.0/hydrate.zip" && aws_lambda_function.this.source_code_hash == "c2hhMjU2"
    error_message = "An S3 package must be used with the hash given."
  }
}

run "function_refuses_a_missing_zip_with_what_to_do" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    package = { filename = "tests/no-such-directory/ingest.zip" }
  }

  expect_failures = [aws_lambda_function.this]
}

run "function_refuses_short_visibility" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    sqs_event_source = {
      queue_arn                        = "arn:aws:sqs:us-east-2:123456789012:jobs"
      queue_visibility_timeout_seconds = 179
    }
  }

  expect_failures = [aws_lambda_event_source_mapping.this]
}

run "function_refuses_two_packages" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    package = { filename = "tests/fixtures/hydrate.zip", s3_bucket = "b", s3_key = "k" }
  }

  expect_failures = [var.package]
}

run "function_refuses_maximum_concurrency_below_two" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    sqs_event_source = {
      queue_arn                        = "arn:aws:sqs:us-east-2:123456789012:jobs"
      queue_visibility_timeout_seconds = 180
      maximum_concurrency              = 1
    }
  }

  expect_failures = [var.sqs_event_source]
}

################################################################################
# modules/queue
################################################################################

run "queue_with_dlq" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    name                       = "jobs"
    visibility_timeout_seconds = 180
    consumer_timeout_seconds   = 30
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy) == { deadLetterTargetArn = "arn:aws:sqs:us-east-2:123456789012:jobs-dlq", maxReceiveCount = 5 }
    error_message = "The queue must redrive to its DLQ after 5 receives by default."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq.redrive_allow_policy) == { redrivePermission = "byQueue", sourceQueueArns = ["arn:aws:sqs:us-east-2:123456789012:jobs"] }
    error_message = "Only the source queue may use the DLQ."
  }

  assert {
    condition     = aws_sqs_queue.dlq.message_retention_seconds > aws_sqs_queue.this.message_retention_seconds
    error_message = "The DLQ must keep messages longer than the queue."
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dlq.sqs_managed_sse_enabled
    error_message = "Both queues must use SSE-SQS without a customer key."
  }
}

run "queue_with_customer_key" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    name                       = "jobs"
    visibility_timeout_seconds = 180
    kms_key_arn                = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "Both queues must use the customer key."
  }
}

run "queue_refuses_short_visibility" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    name                       = "jobs"
    visibility_timeout_seconds = 120
    consumer_timeout_seconds   = 30
  }

  expect_failures = [aws_sqs_queue.this]
}

run "queue_refuses_dlq_shorter_than_queue" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    name                          = "jobs"
    visibility_timeout_seconds    = 180
    message_retention_seconds     = 1209600
    dlq_message_retention_seconds = 345600
  }

  expect_failures = [aws_sqs_queue.dlq]
}

run "queue_alarms" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    name                             = "jobs"
    visibility_timeout_seconds       = 180
    alarm_actions                    = ["arn:aws:sns:us-east-2:123456789012:ops"]
    oldest_message_age_alarm_seconds = 600
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].dimensions == tomap({ QueueName = "jobs-dlq" }) &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].threshold == 0
    )
    error_message = "The DLQ alarm must fire on any visible message in the DLQ."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.oldest_message_age[0].metric_name == "ApproximateAgeOfOldestMessage" &&
      aws_cloudwatch_metric_alarm.oldest_message_age[0].dimensions == tomap({ QueueName = "jobs" }) &&
      aws_cloudwatch_metric_alarm.oldest_message_age[0].threshold == 600
    )
    error_message = "The age alarm must watch the source queue at the configured threshold."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.dlq_not_empty[0], aws_cloudwatch_metric_alarm.oldest_message_age[0]] : (
      a.alarm_actions == toset(["arn:aws:sns:us-east-2:123456789012:ops"]) && a.ok_actions == toset(["arn:aws:sns:us-east-2:123456789012:ops"])
    )])
    error_message = "Both queue alarms must notify alarm_actions on ALARM and OK."
  }
}

run "queue_without_alarms" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    name                       = "jobs"
    visibility_timeout_seconds = 180
    create_alarms              = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dlq_not_empty) == 0 && length(aws_cloudwatch_metric_alarm.oldest_message_age) == 0 && output.alarm_arns == {}
    error_message = "create_alarms = false must create no alarm."
  }
}

run "function_alarms" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    alarm_actions          = ["arn:aws:sns:us-east-2:123456789012:ops"]
    errors_alarm_threshold = 3
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["errors"].namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.this["errors"].metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.this["errors"].dimensions == tomap({ FunctionName = "worker" }) &&
      aws_cloudwatch_metric_alarm.this["errors"].threshold == 3 &&
      aws_cloudwatch_metric_alarm.this["throttles"].metric_name == "Throttles" &&
      aws_cloudwatch_metric_alarm.this["throttles"].threshold == 0
    )
    error_message = "The function must alarm on its own Errors above the threshold and on any Throttles."
  }

  assert {
    condition     = alltrue([for a in values(aws_cloudwatch_metric_alarm.this) : a.alarm_actions == toset(["arn:aws:sns:us-east-2:123456789012:ops"])])
    error_message = "The function alarms must notify alarm_actions."
  }
}

run "function_refuses_fractional_errors_threshold" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    errors_alarm_threshold = 0.5
  }

  expect_failures = [var.errors_alarm_threshold]
}

################################################################################
# modules/bucket
################################################################################

run "bucket_private_encrypted_expiring" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    name_prefix        = "Relay-With-A-Rather-Long-Name-payloads-"
    expiration_rule_id = "expire-everything"
    expiration_days    = 19
  }

  override_resource {
    target          = aws_s3_bucket.this
    override_during = plan
    values = {
      id  = "relay-with-a-rather-long-name-payload0001"
      arn = "arn:aws:s3:::relay-with-a-rather-long-name-payload0001"
    }
  }

  assert {
    condition     = aws_s3_bucket.this.bucket_prefix == "relay-with-a-rather-long-name-payload" && !aws_s3_bucket.this.force_destroy
    error_message = "The bucket's name prefix must be lower-cased and cut to the 37 characters S3 takes, and a destroy must keep a bucket with objects by default."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
      aws_s3_bucket_public_access_block.this.restrict_public_buckets &&
      output.object_ownership == "BucketOwnerEnforced"
    )
    error_message = "The bucket must be private and owner-enforced."
  }

  assert {
    condition     = output.encryption.sse_algorithm == "AES256" && output.encryption.kms_master_key_id == null && !output.encryption.bucket_key_enabled
    error_message = "Without a customer key the bucket must encrypt with SSE-S3."
  }

  assert {
    condition     = output.expiration.rule_id == "expire-everything" && output.expiration.status == "Enabled" && output.expiration.days == 19
    error_message = "The lifecycle rule must expire objects after expiration_days."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Effect == "Deny" && jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "The bucket must refuse requests without TLS."
  }
}

run "bucket_with_customer_key_and_prefix" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    name_prefix        = "relay-archive-"
    force_destroy      = true
    kms_key_arn        = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    expiration_rule_id = "expire-archived-webhooks"
    expiration_prefix  = "archive/"
    expiration_days    = 90
  }

  assert {
    condition     = output.encryption == { sse_algorithm = "aws:kms", kms_master_key_id = var.kms_key_arn, bucket_key_enabled = true }
    error_message = "With a customer key the bucket must encrypt with it, with an S3 bucket key."
  }

  assert {
    condition     = output.expiration.prefix == "archive/" && output.expiration.days == 90 && output.force_destroy
    error_message = "The lifecycle rule must expire only objects under expiration_prefix."
  }
}

run "bucket_refuses_zero_expiration" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    name_prefix        = "relay-archive-"
    expiration_rule_id = "expire"
    expiration_days    = 0
  }

  expect_failures = [var.expiration_days]
}

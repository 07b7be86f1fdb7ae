# Plan-level tests of the root module's wiring with a mocked AWS provider (no credentials, no network).
# override_during = plan makes computed attributes (ARNs, URLs, IDs) known at plan time, and the overrides
# below give the resources that IAM policies must name realistic, distinct ARNs.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan

  mock_resource "aws_apigatewayv2_integration" {
    defaults = {
      id = "integ01"
    }
  }
}

override_resource {
  target          = module.function["ingest"].aws_lambda_function.this
  override_during = plan
  values = {
    arn        = "arn:aws:lambda:us-east-2:123456789012:function:relay-ingest"
    invoke_arn = "arn:aws:apigateway:us-east-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-2:123456789012:function:relay-ingest/invocations"
  }
}

override_resource {
  target          = module.payload_bucket.aws_s3_bucket.this
  override_during = plan
  values = {
    bucket = "relay-payloads-0001"
    id     = "relay-payloads-0001"
    arn    = "arn:aws:s3:::relay-payloads-0001"
  }
}

override_resource {
  target          = module.queue["hydrate"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-hydrate"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-hydrate"
  }
}

override_resource {
  target          = module.queue["hydrate"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-hydrate-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-hydrate-dlq"
  }
}

override_resource {
  target          = module.queue["deliver"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver"
  }
}

override_resource {
  target          = module.queue["deliver"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-dlq"
  }
}

# The deliver queue of each Klaviyo write family other than events (queues.tf, deliver_queues by default).
override_resource {
  target          = module.queue["deliver-profiles"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles"
  }
}

override_resource {
  target          = module.queue["deliver-profiles"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles-dlq"
  }
}

override_resource {
  target          = module.queue["deliver-consent"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent"
  }
}

override_resource {
  target          = module.queue["deliver-consent"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent-dlq"
  }
}

override_resource {
  target          = module.queue["deliver-catalog"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog"
  }
}

override_resource {
  target          = module.queue["deliver-catalog"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog-dlq"
  }
}

override_resource {
  target          = module.queue["deliver-records"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records"
  }
}

override_resource {
  target          = module.queue["deliver-records"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records-dlq"
  }
}

override_resource {
  target          = module.queue["deliver-back-in-stock"].aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock"
  }
}

override_resource {
  target          = module.queue["deliver-back-in-stock"].aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock-dlq"
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock-dlq"
  }
}

override_resource {
  target          = aws_dynamodb_table.dedupe
  override_during = plan
  values = {
    arn = "arn:aws:dynamodb:us-east-2:123456789012:table/relay-dedupe"
  }
}

override_resource {
  target          = aws_ssm_parameter.config
  override_during = plan
  values = {
    arn = "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config"
  }
}

override_resource {
  target          = aws_apigatewayv2_api.this
  override_during = plan
  values = {
    id            = "abc123"
    api_endpoint  = "https://abc123.execute-api.us-east-2.amazonaws.com"
    execution_arn = "arn:aws:execute-api:us-east-2:123456789012:abc123"
  }
}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"
  tags          = { Team = "platform" }

  sources = {
    shop = {
      kind       = "shopify"
      secrets    = [{ ssm = "/relay/shop/secret" }, { ssm = "/relay/shop/secret-next" }]
      event_type = { header = "x-shopify-topic" }
    }
    demo = {
      kind        = "generic-hmac"
      secrets     = [{ secrets_manager = "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/demo/signing" }]
      signature   = { header = "x-demo-signature", prefix = "sha256=" }
      delivery_id = { header = "x-demo-delivery-id" }
      hydration = {
        base_url = "https://demo.example.com/api"
        auth = {
          header = "authorization"
          prefix = "Bearer "
          secret = { ssm = "arn:aws:ssm:us-east-2:123456789012:parameter/relay/demo/api-token" }
        }
        steps = [
          { name = "customer", path = "/customers/{event.customer}" },
          { name = "address", path = "/customers/{event.customer}/address" },
        ]
      }
      mapping = {
        metric  = "Placed Order"
        profile = { email = ["customer.email"] }
      }
    }
  }

  klaviyo = {
    api_key = { ssm = "relay/klaviyo-api-key" }
  }
}

run "api_routes_webhooks_to_ingest" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "HTTP"
    error_message = "The API must be an HTTP API."
  }

  assert {
    condition     = aws_apigatewayv2_route.webhook.route_key == "POST /webhooks/{source}"
    error_message = "The webhook route must be POST /webhooks/{source}."
  }

  assert {
    condition     = aws_apigatewayv2_route.webhook.target == "integrations/integ01"
    error_message = "The webhook route must target the ingest integration."
  }

  assert {
    condition     = aws_apigatewayv2_integration.ingest.integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.ingest.payload_format_version == "2.0"
    error_message = "The ingest integration must be a Lambda proxy integration with payload format 2.0."
  }

  assert {
    condition     = aws_apigatewayv2_integration.ingest.integration_uri == "arn:aws:apigateway:us-east-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-2:123456789012:function:relay-ingest/invocations"
    error_message = "The integration must invoke the ingest function."
  }

  assert {
    condition     = aws_apigatewayv2_stage.default.name == "$default" && aws_apigatewayv2_stage.default.auto_deploy
    error_message = "The stage must be $default with auto deploy."
  }

  assert {
    condition     = aws_apigatewayv2_stage.default.default_route_settings[0].throttling_burst_limit == 500 && aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 1000
    error_message = "The stage must be throttled (defaults: burst 500, rate 1000)."
  }

  assert {
    condition     = length(aws_apigatewayv2_stage.default.access_log_settings) == 1 && aws_cloudwatch_log_group.api_access[0].retention_in_days == 30
    error_message = "Access logging must be on by default, into a log group with retention."
  }

  assert {
    condition = (
      aws_lambda_permission.api.principal == "apigateway.amazonaws.com" &&
      aws_lambda_permission.api.action == "lambda:InvokeFunction" &&
      aws_lambda_permission.api.function_name == module.function["ingest"].function_name &&
      aws_lambda_permission.api.source_arn == "arn:aws:execute-api:us-east-2:123456789012:abc123/*/POST/webhooks/*"
    )
    error_message = "Only this API, on POST /webhooks/*, may invoke ingest."
  }

  assert {
    condition     = output.webhook_base_url == "https://abc123.execute-api.us-east-2.amazonaws.com/webhooks"
    error_message = "webhook_base_url must be the API endpoint followed by /webhooks."
  }

  assert {
    condition = output.webhook_urls == {
      shop = "https://abc123.execute-api.us-east-2.amazonaws.com/webhooks/shop"
      demo = "https://abc123.execute-api.us-east-2.amazonaws.com/webhooks/demo"
    }
    error_message = "webhook_urls must hold one URL per source."
  }
}

run "functions_are_node22_arm64_from_the_zips" {
  command = plan

  assert {
    condition     = alltrue([for f in ["ingest", "hydrate", "deliver"] : module.function[f].runtime == "nodejs22.x"])
    error_message = "Every function must run on nodejs22.x by default."
  }

  assert {
    condition     = alltrue([for f in ["ingest", "hydrate", "deliver"] : module.function[f].architectures == tolist(["arm64"])])
    error_message = "Every function must run on arm64 by default."
  }

  assert {
    condition     = alltrue([for f in ["ingest", "hydrate", "deliver"] : module.function[f].handler == "index.handler"])
    error_message = "Every function's handler must be index.handler."
  }

  assert {
    condition     = alltrue([for f in ["ingest", "hydrate", "deliver"] : module.function[f].source_code_hash == filebase64sha256("tests/fixtures/${f}.zip")])
    error_message = "Each function's source_code_hash must be filebase64sha256 of its own zip."
  }

  assert {
    condition     = length(distinct([for f in ["ingest", "hydrate", "deliver"] : module.function[f].source_code_hash])) == 3
    error_message = "The three functions must be fed by three different zips."
  }

  assert {
    condition     = output.function_names == { ingest = "relay-ingest", hydrate = "relay-hydrate", deliver = "relay-deliver" }
    error_message = "Functions must be named <name>-<function>."
  }

  assert {
    condition     = module.function["ingest"].timeout == 10 && module.function["hydrate"].timeout == 30 && module.function["deliver"].timeout == 30
    error_message = "Default timeouts must be 10 s (ingest) and 30 s (hydrate, deliver)."
  }

  assert {
    condition     = output.role_names == { ingest = "relay-ingest", hydrate = "relay-hydrate", deliver = "relay-deliver" }
    error_message = "Each function must have its own role."
  }
}

run "default_artifacts_are_the_release_zips_in_the_module" {
  command = plan

  variables {
    artifacts_dir = null
  }

  assert {
    condition     = alltrue([for f in ["ingest", "hydrate", "deliver"] : module.function[f].source_code_hash == filebase64sha256("artifacts/${f}.zip")])
    error_message = "Without artifacts_dir, each function must be fed by the module's own prebuilt artifacts/<function>.zip."
  }
}

run "environment_follows_the_runtime_contract" {
  command = plan

  assert {
    condition = module.function["ingest"].environment_variables == tomap({
      RELAY_CONFIG_PARAMETER       = "/relay/config"
      DEDUPE_TABLE_NAME            = "relay-dedupe"
      HYDRATE_QUEUE_URL            = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-hydrate"
      MAX_MESSAGE_BYTES            = "262144"
      CLAIM_CHECK_BUCKET           = "relay-payloads-0001"
      POWERTOOLS_SERVICE_NAME      = "relay"
      POWERTOOLS_METRICS_NAMESPACE = "KlaviyoWebhookRelay"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    })
    error_message = "ingest's environment must be exactly what docs/runtime-contract.md lists"
  }

  assert {
    condition = module.function["hydrate"].environment_variables == tomap({
      RELAY_CONFIG_PARAMETER = "/relay/config"
      HYDRATE_QUEUE_URL      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-hydrate"
      HYDRATE_DLQ_URL        = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-hydrate-dlq"
      DELIVER_QUEUE_URL      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver"
      DELIVER_QUEUE_URLS = jsonencode({
        profiles      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles"
        consent       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent"
        catalog       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog"
        records       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records"
        back-in-stock = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock"
      })
      MAX_RECEIVE_COUNT            = "5"
      MAX_MESSAGE_BYTES            = "262144"
      CLAIM_CHECK_BUCKET           = "relay-payloads-0001"
      POWERTOOLS_SERVICE_NAME      = "relay"
      POWERTOOLS_METRICS_NAMESPACE = "KlaviyoWebhookRelay"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    })
    error_message = "hydrate's environment must be exactly what docs/runtime-contract.md lists."
  }

  assert {
    condition = module.function["deliver"].environment_variables == tomap({
      RELAY_CONFIG_PARAMETER = "/relay/config"
      DELIVER_QUEUE_URL      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver"
      DELIVER_DLQ_URL        = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-dlq"
      DELIVER_QUEUE_URLS = jsonencode({
        profiles      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles"
        consent       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent"
        catalog       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog"
        records       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records"
        back-in-stock = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock"
      })
      DELIVER_DLQ_URLS = jsonencode({
        profiles      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles-dlq"
        consent       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent-dlq"
        catalog       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog-dlq"
        records       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records-dlq"
        back-in-stock = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock-dlq"
      })
      MAX_RECEIVE_COUNT            = "10"
      DEDUPE_TABLE_NAME            = "relay-dedupe"
      STATE_TTL_SECONDS            = "1641600"
      MAX_MESSAGE_BYTES            = "262144"
      CLAIM_CHECK_BUCKET           = "relay-payloads-0001"
      POWERTOOLS_SERVICE_NAME      = "relay"
      POWERTOOLS_METRICS_NAMESPACE = "KlaviyoWebhookRelay"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    })
    error_message = "deliver's environment must be exactly what docs/runtime-contract.md lists."
  }
}

run "queues_feed_consumers_with_partial_batch_responses" {
  command = plan

  assert {
    condition     = module.function["ingest"].event_source_mapping == null
    error_message = "ingest must not consume a queue."
  }

  assert {
    condition     = module.function["hydrate"].event_source_mapping.event_source_arn == "arn:aws:sqs:us-east-2:123456789012:relay-hydrate"
    error_message = "The hydrate queue must trigger hydrate."
  }

  assert {
    condition     = module.function["deliver"].event_source_mapping.event_source_arn == "arn:aws:sqs:us-east-2:123456789012:relay-deliver"
    error_message = "The deliver queue must trigger deliver."
  }

  assert {
    condition = alltrue([for f in ["hydrate", "deliver"] :
    toset(module.function[f].event_source_mapping.function_response_types) == toset(["ReportBatchItemFailures"])])
    error_message = "Both event source mappings must report partial batch failures (ReportBatchItemFailures)."
  }

  assert {
    condition = (
      jsondecode(module.queue["hydrate"].redrive_policy).maxReceiveCount == 5 &&
      jsondecode(module.queue["deliver"].redrive_policy).maxReceiveCount == 10
    )
    error_message = "By default hydrate must redrive to its DLQ after 5 receives and deliver after 10 (deferrals and 429s each cost a receive)."
  }

  assert {
    condition     = module.function["deliver"].event_source_mapping.maximum_concurrency == 2 && jsondecode(output.config_document).klaviyo.max_concurrency == 2
    error_message = "By default the deliver mapping's maximum concurrency and klaviyo.max_concurrency must both be 2."
  }

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] :
    jsondecode(module.queue[q].redrive_policy).deadLetterTargetArn == module.queue[q].dlq_arn])
    error_message = "Each queue must redrive to its own DLQ."
  }

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] :
    module.queue[q].visibility_timeout_seconds >= 6 * module.function[q].timeout])
    error_message = "Each queue's visibility timeout must be at least 6 times its consumer's timeout."
  }

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] :
    module.queue[q].dlq_message_retention_seconds > module.queue[q].message_retention_seconds])
    error_message = "Each DLQ must keep messages longer than its queue."
  }

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] :
    module.queue[q].encryption.queue.sqs_managed_sse_enabled && module.queue[q].encryption.dlq.sqs_managed_sse_enabled])
    error_message = "Queues and DLQs must be encrypted at rest (SSE-SQS without a customer key)."
  }
}

run "dedupe_table" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.dedupe[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.dedupe[0].hash_key == "pk"
    error_message = "The dedupe table must be on-demand with hash key pk."
  }

  assert {
    condition     = one([for a in aws_dynamodb_table.dedupe[0].attribute : a.type if a.name == "pk"]) == "S"
    error_message = "pk must be a string attribute."
  }

  assert {
    condition     = aws_dynamodb_table.dedupe[0].ttl[0].enabled && aws_dynamodb_table.dedupe[0].ttl[0].attribute_name == "expires_at"
    error_message = "TTL must be enabled on expires_at."
  }

  assert {
    condition     = aws_dynamodb_table.dedupe[0].server_side_encryption[0].enabled
    error_message = "The table must have server-side encryption enabled."
  }

  assert {
    condition     = aws_dynamodb_table.dedupe[0].point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery must be on by default."
  }

  assert {
    condition     = aws_dynamodb_table.dedupe[0].tags["Team"] == "platform"
    error_message = "Tags must reach the table."
  }
}

run "configuration_document" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.config.name == "/relay/config" && aws_ssm_parameter.config.type == "SecureString"
    error_message = "The configuration is a SecureString parameter named /<name>/config."
  }

  assert {
    condition = jsondecode(output.config_document) == merge(jsondecode(aws_ssm_parameter.config.value), {
      sources = { for key, p in aws_ssm_parameter.source_config : key => jsondecode(p.value) }
    })
    error_message = "The parameter and its sources' parts (/relay/config/sources/<source>) must hold the rendered configuration document."
  }

  assert {
    condition     = keys(aws_ssm_parameter.source_config) == ["demo", "shop"] && aws_ssm_parameter.source_config["shop"].name == "/relay/config/sources/shop" && aws_ssm_parameter.source_config["shop"].type == "SecureString"
    error_message = "Each source's part is a SecureString parameter named /<name>/config/sources/<source>."
  }

  assert {
    condition     = jsondecode(output.config_document).version == 1
    error_message = "The document must carry version 1."
  }

  assert {
    condition     = jsondecode(output.config_document).klaviyo.revision == "2026-07-15" && jsondecode(output.config_document).klaviyo.base_url == "https://a.klaviyo.com"
    error_message = "Klaviyo revision and base URL must default to 2026-07-15 and https://a.klaviyo.com."
  }

  assert {
    condition     = jsondecode(output.config_document).ingest.dedupe_ttl_seconds == 604800
    error_message = "The dedupe TTL must default to 7 days."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.demo.signature.algorithm == "sha256" && jsondecode(output.config_document).sources.demo.signature.encoding == "hex"
    error_message = "generic-hmac signature defaults must be sha256/hex, as in the schema."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.shop.signature == null
    error_message = "A shopify source must not carry a signature block (the schema is strict)."
  }
}

run "iam_is_least_privilege" {
  command = plan

  assert {
    condition = alltrue(flatten([for f, statements in local.policy_statements : [
      for s in statements : [for r in s.Resource : r != "*" && !endswith(r, ":*")]
    ]]))
    error_message = "No runtime policy statement may grant a wildcard resource."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.ingest : s.Action])) == toset([
      "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
      "sqs:SendMessage",
      "s3:PutObject",
      "ssm:GetParameter", "ssm:GetParametersByPath",
      "secretsmanager:GetSecretValue",
    ])
    error_message = "ingest may only write the dedupe table, send to the hydrate queue, store claim-checked bodies and read its configuration and secrets."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.ingest : s.Resource])) == toset([
      "arn:aws:dynamodb:us-east-2:123456789012:table/relay-dedupe",
      "arn:aws:sqs:us-east-2:123456789012:relay-hydrate",
      "arn:aws:s3:::relay-payloads-0001/ingest/*",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config/sources",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/shop/secret",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/shop/secret-next",
      "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/demo/signing",
      "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/demo/signing-??????",
    ])
    error_message = "ingest's policy must name exactly the table, the hydrate queue, the configuration and the sources' signing secrets."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.hydrate : s.Action])) == toset([
      "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility",
      "sqs:SendMessage",
      "s3:GetObject", "s3:PutObject",
      "ssm:GetParameter", "ssm:GetParametersByPath",
    ])
    error_message = "hydrate may only consume its queue, send to the deliver queue and its DLQ, read and store claim-checked bodies, and read its configuration."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.hydrate : s.Resource])) == toset([
      "arn:aws:sqs:us-east-2:123456789012:relay-hydrate",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock",
      "arn:aws:sqs:us-east-2:123456789012:relay-hydrate-dlq",
      "arn:aws:s3:::relay-payloads-0001/ingest/*",
      "arn:aws:s3:::relay-payloads-0001/hydrate/*",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config/sources",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/demo/api-token",
    ])
    error_message = "hydrate's policy must name exactly its queue, every deliver queue, its DLQ, the configuration and the hydration credentials."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.hydrate : s.Resource if contains(s.Action, "sqs:SendMessage")])) == toset([
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock",
      "arn:aws:sqs:us-east-2:123456789012:relay-hydrate-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-hydrate",
    ])
    error_message = "hydrate may send only to the deliver queues, its DLQ (dead letters) and its own queue (deferrals: a source API's 429)."
  }

  assert {
    condition     = one([for s in local.policy_statements.hydrate : s.Resource if s.Sid == "ConsumeHydrateQueue"]) == ["arn:aws:sqs:us-east-2:123456789012:relay-hydrate"]
    error_message = "hydrate may only receive from the hydrate queue."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.deliver : s.Action])) == toset([
      "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility",
      "sqs:SendMessage",
      "s3:GetObject", "s3:PutObject",
      "dynamodb:UpdateItem",
      "ssm:GetParameter", "ssm:GetParametersByPath",
    ])
    error_message = "deliver may only consume its queue, send to its DLQ and its own queue, read and store claim-checked bodies, record its newest profile writes, and read its configuration and the Klaviyo key."
  }

  assert {
    condition = toset(one([for s in local.policy_statements.deliver : s.Resource if contains(s.Action, "sqs:SendMessage")])) == toset([
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock-dlq",
    ])
    error_message = "deliver may send only to its DLQs (dead letters) and its own queues (deferrals)."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.deliver : s.Resource])) == toset([
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock-dlq",
      "arn:aws:s3:::relay-payloads-0001/hydrate/*",
      "arn:aws:s3:::relay-payloads-0001/deliver/*",
      "arn:aws:dynamodb:us-east-2:123456789012:table/relay-dedupe",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/config/sources",
      "arn:aws:ssm:us-east-2:123456789012:parameter/relay/klaviyo-api-key",
    ])
    error_message = "deliver's policy must name exactly its queues, its DLQs, the dedupe table, the configuration and the Klaviyo API key."
  }

  assert {
    condition = (
      one([for s in local.policy_statements.deliver : s.Action if s.Sid == "OrderProfileWrites"]) == ["dynamodb:UpdateItem"] &&
      module.function["deliver"].environment_variables["DEDUPE_TABLE_NAME"] == "relay-dedupe" &&
      # Without the archive: 4 days on the queue + 14 in the DLQ + a day.
      module.function["deliver"].environment_variables["STATE_TTL_SECONDS"] == tostring((4 + 14 + 1) * 86400)
    )
    error_message = "deliver records the newest profile write per profile in the dedupe table (conditional updates only), kept while an older webhook can come back."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.hydrate : s.Resource if contains(s.Action, "s3:GetObject")])) == toset([
      "arn:aws:s3:::relay-payloads-0001/ingest/*",
      "arn:aws:s3:::relay-payloads-0001/hydrate/*",
    ])
    error_message = "hydrate may read only what ingest claim-checked and its own dead letters (redriven by SQS)."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.deliver : s.Resource if contains(s.Action, "s3:GetObject")])) == toset([
      "arn:aws:s3:::relay-payloads-0001/hydrate/*",
      "arn:aws:s3:::relay-payloads-0001/deliver/*",
    ])
    error_message = "deliver may read only what hydrate claim-checked and its own dead letters (redriven by SQS)."
  }
}

run "claim_check_payload_bucket" {
  command = plan

  assert {
    condition = alltrue([for q in ["hydrate", "deliver"] : (
      module.queue[q].max_message_size == 262144
    )])
    error_message = "Each queue and its DLQ must take the largest message AWS provider 5.x allows (262144 bytes)."
  }

  assert {
    condition = (
      module.payload_bucket.public_access_block.block_public_acls &&
      module.payload_bucket.public_access_block.block_public_policy &&
      module.payload_bucket.public_access_block.ignore_public_acls &&
      module.payload_bucket.public_access_block.restrict_public_buckets &&
      module.payload_bucket.object_ownership == "BucketOwnerEnforced"
    )
    error_message = "The payload bucket must be private and owner-enforced."
  }

  assert {
    condition     = module.payload_bucket.encryption.sse_algorithm == "AES256"
    error_message = "Without a customer key the payload bucket must encrypt with SSE-S3."
  }

  assert {
    condition = (
      module.payload_bucket.expiration.status == "Enabled" &&
      module.payload_bucket.expiration.days == 19
    )
    error_message = "Claim-checked bodies must expire after the longest queue retention (4 days) plus the longest DLQ retention (14 days), plus a day."
  }

  assert {
    condition     = jsondecode(module.payload_bucket.policy).Statement[0].Effect == "Deny" && jsondecode(module.payload_bucket.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "The payload bucket must refuse requests without TLS."
  }
}

run "payload_expiration_below_the_retention_is_refused" {
  command = plan

  variables {
    payload_expiration_days = 5
  }

  expect_failures = [output.payload_bucket_name]
}

run "per_function_and_per_queue_settings" {
  command = plan

  variables {
    functions = {
      deliver = { memory_size = 512, timeout = 20, log_level = "DEBUG", reserved_concurrency = 5 }
    }
    queues = {
      hydrate = { maximum_concurrency = 3 }
      deliver = { max_receive_count = 12, batch_size = 50, maximum_batching_window_in_seconds = 5 }
    }
  }

  assert {
    condition     = module.function["deliver"].memory_size == 512 && module.function["deliver"].timeout == 20
    error_message = "Per-function memory and timeout must apply."
  }

  assert {
    condition     = module.function["deliver"].environment_variables.POWERTOOLS_LOG_LEVEL == "DEBUG" && module.function["hydrate"].environment_variables.POWERTOOLS_LOG_LEVEL == "INFO"
    error_message = "Per-function log level must apply to that function only."
  }

  assert {
    condition     = module.queue["deliver"].visibility_timeout_seconds == 120
    error_message = "The default visibility timeout must follow the consumer's timeout (6 x 20 s)."
  }

  assert {
    condition     = jsondecode(module.queue["deliver"].redrive_policy).maxReceiveCount == 12 && jsondecode(module.queue["hydrate"].redrive_policy).maxReceiveCount == 5
    error_message = "max_receive_count must reach that queue's redrive policy only."
  }

  assert {
    condition     = module.function["deliver"].environment_variables.MAX_RECEIVE_COUNT == "12" && module.function["hydrate"].environment_variables.MAX_RECEIVE_COUNT == "5"
    error_message = "Each consumer must get its own queue's max_receive_count as MAX_RECEIVE_COUNT, so it dead-letters before the redrive does."
  }

  assert {
    condition = (
      module.function["hydrate"].event_source_mapping.maximum_concurrency == 3 &&
      module.function["deliver"].event_source_mapping.batch_size == 50 &&
      module.function["deliver"].event_source_mapping.maximum_batching_window_in_seconds == 5 &&
      module.function["hydrate"].event_source_mapping.batch_size == 10
    )
    error_message = "Per-queue batching and maximum concurrency must reach that queue's mapping only."
  }
}

run "more_source_kinds_and_klaviyo_settings" {
  command = plan

  variables {
    sources = {
      pay = {
        kind              = "stripe"
        secrets           = [{ ssm = "/relay/pay/secret" }]
        tolerance_seconds = 600
        mapping = {
          profile_attributes = { first_name = "event.data.object.customer_details.name", "location.city" = "event.data.object.customer_details.address.city" }
          emit               = "both"
        }
      }
      crm = {
        kind        = "token"
        secrets     = [{ ssm = "/relay/crm/token" }]
        scheme      = "basic"
        header      = "x-crm-auth"
        delivery_id = { path = "id" }
      }
      kl = {
        kind              = "klaviyo"
        secrets           = [{ ssm = "/relay/kl/secret" }]
        tolerance_seconds = 120
        max_body_bytes    = 2097152
      }
    }
    klaviyo = {
      api_key                = { ssm = "relay/klaviyo-api-key" }
      rate_budget_share      = 0.5
      bulk_threshold         = 50
      profile_bulk_threshold = 40
      max_concurrency        = 6
      max_in_flight          = 4
    }
  }

  assert {
    condition = jsondecode(output.config_document).sources.pay == {
      kind              = "stripe"
      preset            = null
      secrets           = [{ ssm = "/relay/pay/secret", secrets_manager = null }]
      event_type        = null
      max_body_bytes    = null
      tolerance_seconds = 600
      secret_header     = null
      signature         = null
      delivery_id       = null
      scheme            = null
      header            = null
      hydration         = null
      mapping = {
        filter               = null
        metric               = null
        metric_by_event_type = {}
        emit_by_event_type   = {}
        profile              = { id = null, email = null, phone_number = null, external_id = null, as_of = null }
        value                = null
        value_currency       = null
        time                 = null
        backfill             = null
        include              = null
        properties           = null
        keep                 = null
        extra                = null
        events               = null
        profile_attributes   = { first_name = "event.data.object.customer_details.name", "location.city" = "event.data.object.customer_details.address.city" }
        emit                 = "both"
        subscriptions        = null
        unsubscriptions      = null
        catalog              = null
        records              = null
        back_in_stock        = null
        list                 = null
      }
    }
    error_message = "A stripe source must render its tolerance and profile mapping, and null for everything it does not set."
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.crm.kind == "token" &&
      jsondecode(output.config_document).sources.crm.scheme == "basic" &&
      jsondecode(output.config_document).sources.crm.header == "x-crm-auth" &&
      jsondecode(output.config_document).sources.crm.delivery_id == { header = null, path = "id", value = null } &&
      jsondecode(output.config_document).sources.crm.tolerance_seconds == null
    )
    error_message = "A token source must render scheme, header and delivery_id."
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.kl.kind == "klaviyo" &&
      jsondecode(output.config_document).sources.kl.tolerance_seconds == 120 &&
      jsondecode(output.config_document).sources.kl.max_body_bytes == 2097152 &&
      jsondecode(output.config_document).sources.kl.secret_header == null
    )
    error_message = "A klaviyo source must render tolerance_seconds and max_body_bytes."
  }

  assert {
    condition = (
      jsondecode(output.config_document).klaviyo.rate_budget_share == 0.5 &&
      jsondecode(output.config_document).klaviyo.bulk_threshold == 50 &&
      jsondecode(output.config_document).klaviyo.max_pacing_wait_ms == 2000 &&
      jsondecode(output.config_document).klaviyo.max_concurrency == 6 &&
      jsondecode(output.config_document).klaviyo.max_in_flight == 4
    )
    error_message = "The klaviyo pacing settings must render into the document, with max_pacing_wait_ms defaulting to 2000."
  }

  assert {
    condition     = jsondecode(output.config_document).klaviyo.profile_bulk_threshold == 40
    error_message = "klaviyo.profile_bulk_threshold must render into the document for deliver."
  }

  assert {
    condition     = module.function["deliver"].event_source_mapping.maximum_concurrency == var.klaviyo.max_concurrency
    error_message = "The deliver mapping's maximum concurrency must equal klaviyo.max_concurrency."
  }
}

run "alarms_are_wired" {
  command = plan

  variables {
    alarms = {
      sns_topic_arn                    = "arn:aws:sns:us-east-2:123456789012:relay-alarms"
      queue_oldest_message_age_seconds = 600
      ingest_5xx_rate_percent          = 2
      ingest_5xx_min_requests          = 50
    }
  }

  assert {
    condition = toset(keys(output.alarm_arns)) == toset([
      "ingest-errors", "ingest-throttles", "hydrate-errors", "hydrate-throttles", "deliver-errors", "deliver-throttles",
      "hydrate-dlq-not-empty", "hydrate-oldest-message-age", "deliver-dlq-not-empty", "deliver-oldest-message-age",
      "deliver-profiles-dlq-not-empty", "deliver-profiles-oldest-message-age",
      "deliver-consent-dlq-not-empty", "deliver-consent-oldest-message-age",
      "deliver-catalog-dlq-not-empty", "deliver-catalog-oldest-message-age",
      "deliver-records-dlq-not-empty", "deliver-records-oldest-message-age",
      "deliver-back-in-stock-dlq-not-empty", "deliver-back-in-stock-oldest-message-age",
      "ingest-5xx-rate", "klaviyo-auth-failed", "hydrate-retries", "klaviyo-server-errors", "source-config-invalid",
    ])
    error_message = "Every queue, every function and the relay as a whole must have their alarms, all in alarm_arns."
  }

  assert {
    condition = alltrue([
      aws_cloudwatch_metric_alarm.ingest_5xx_rate[0].alarm_actions == toset(["arn:aws:sns:us-east-2:123456789012:relay-alarms"]),
      aws_cloudwatch_metric_alarm.ingest_5xx_rate[0].ok_actions == toset(["arn:aws:sns:us-east-2:123456789012:relay-alarms"]),
      aws_cloudwatch_metric_alarm.klaviyo_auth_failed[0].alarm_actions == toset(["arn:aws:sns:us-east-2:123456789012:relay-alarms"]),
    ])
    error_message = "The relay-wide alarms must notify alarms.sns_topic_arn (the submodules' alarms are checked in modules_unit_test)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.klaviyo_auth_failed[0].namespace == local.environment.deliver.POWERTOOLS_METRICS_NAMESPACE &&
      aws_cloudwatch_metric_alarm.klaviyo_auth_failed[0].dimensions == tomap({ service = local.environment.deliver.POWERTOOLS_SERVICE_NAME, function = "deliver" }) &&
      aws_cloudwatch_metric_alarm.klaviyo_auth_failed[0].metric_name == "klaviyo_auth_failed"
    )
    error_message = "The Klaviyo auth alarm must select the metric deliver writes: its namespace and the service/function dimensions."
  }

  assert {
    condition = alltrue([for k, a in aws_cloudwatch_metric_alarm.sustained_failures : (
      a.namespace == local.environment[a.dimensions["function"]].POWERTOOLS_METRICS_NAMESPACE &&
      a.dimensions["service"] == local.environment[a.dimensions["function"]].POWERTOOLS_SERVICE_NAME &&
      a.evaluation_periods == 3 && a.threshold == 10
    )]) && aws_cloudwatch_metric_alarm.sustained_failures["hydrate-retries"].metric_name == "retried" && aws_cloudwatch_metric_alarm.sustained_failures["klaviyo-server-errors"].metric_name == "klaviyo_server_errors"
    error_message = "The sustained-failure alarms must select hydrate's retried and deliver's klaviyo_server_errors metrics as the functions write them."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.ingest_5xx_rate[0].threshold == 2 &&
      one([for q in aws_cloudwatch_metric_alarm.ingest_5xx_rate[0].metric_query : q.expression if q.return_data == true]) == "IF(requests >= 50, 100 * errors / requests, 0)" &&
      toset(flatten([for q in aws_cloudwatch_metric_alarm.ingest_5xx_rate[0].metric_query : [for m in q.metric : m.metric_name]])) == toset(["5xx", "Count"])
    )
    error_message = "The ingest 5xx alarm must be the share of 5xx in the API's requests, above the configured floor."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.source_config_invalid[0].threshold == 0 &&
      toset([for q in aws_cloudwatch_metric_alarm.source_config_invalid[0].metric_query : "${q.metric[0].metric_name}/${q.metric[0].dimensions["function"]}" if length(q.metric) > 0]) == toset([
        "source_config_refused/ingest", "source_config_refused/hydrate", "source_config_waiting/ingest", "source_config_waiting/hydrate",
      ]) &&
      alltrue([for q in aws_cloudwatch_metric_alarm.source_config_invalid[0].metric_query : q.metric[0].namespace == local.metrics_namespace && q.metric[0].dimensions["service"] == "relay" if length(q.metric) > 0])
    )
    error_message = "The source-config-invalid alarm must watch the counts ingest and hydrate write for a refused source part and its waiting webhooks."
  }
}

run "alarms_can_be_turned_off" {
  command = plan

  variables {
    alarms = { create = false }
  }

  assert {
    condition     = output.alarm_arns == {}
    error_message = "alarms.create = false must create no alarm."
  }
}

run "bring_your_own_dedupe_table" {
  command = plan

  variables {
    dedupe_table = { existing_table_arn = "arn:aws:dynamodb:us-east-2:123456789012:table/shared-dedupe" }
  }

  assert {
    condition     = length(aws_dynamodb_table.dedupe) == 0
    error_message = "With existing_table_arn the module must not create a table."
  }

  assert {
    condition     = local.environment.ingest.DEDUPE_TABLE_NAME == "shared-dedupe" && output.dedupe_table_name == "shared-dedupe"
    error_message = "ingest must use the table named by existing_table_arn."
  }

  assert {
    condition = one([for s in local.policy_statements.ingest : s.Resource if s.Sid == "DedupeDeliveries"]) == [
      "arn:aws:dynamodb:us-east-2:123456789012:table/shared-dedupe"
    ]
    error_message = "ingest's dedupe permissions must name the table brought in, and only it."
  }
}

run "own_dedupe_table_must_be_in_this_region_and_account" {
  command = plan

  variables {
    dedupe_table = { existing_table_arn = "arn:aws:dynamodb:us-east-2:210987654321:table/shared-dedupe" }
  }

  expect_failures = [aws_ssm_parameter.config]
}

run "per_resource_tags_merge_over_tags" {
  command = plan

  variables {
    function_tags     = { Tier = "compute" }
    queue_tags        = { Tier = "messaging" }
    dedupe_table_tags = { Backup = "daily" }
    api_tags          = { Exposure = "public" }
  }

  assert {
    condition = (
      local.function_tags == tomap({ Team = "platform", Tier = "compute" }) &&
      local.queue_tags == tomap({ Team = "platform", Tier = "messaging" }) &&
      aws_dynamodb_table.dedupe[0].tags == tomap({ Team = "platform", Backup = "daily" }) &&
      aws_apigatewayv2_api.this.tags == tomap({ Team = "platform", Exposure = "public" })
    )
    error_message = "Per-resource tag maps must be merged over tags on their resources only."
  }
}

run "dashboard_shows_each_stage" {
  command = plan

  variables {
    klaviyo = {
      api_key           = { ssm = "/relay/klaviyo-api-key" }
      rate_budget_share = 0.8
    }
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 1 && aws_cloudwatch_dashboard.this[0].dashboard_name == "relay-relay"
    error_message = "The dashboard is created by default, named after the relay."
  }

  assert {
    condition = alltrue([for q in ["relay-hydrate", "relay-deliver", "relay-hydrate-dlq", "relay-deliver-dlq"] :
      strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "\"${q}\"")
    ])
    error_message = "The dashboard must show both queues and both DLQs by name."
  }

  assert {
    condition = alltrue([for m in ["accepted_by_source", "rejected", "klaviyo_latency", "throttled", "delivered", "dead_lettered_by_reason", "retried"] :
      strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, m)
    ])
    error_message = "The dashboard must show webhooks by source, rejections, Klaviyo requests/429s/latency, delivered events and dead letters."
  }

  assert {
    condition     = one([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w.properties.annotations.horizontal[0].value if can(w.properties.annotations)]) == 2800
    error_message = "Delivered events are drawn against the budget the relay may use (0.8 of 3,500 a minute)."
  }
}

run "dashboard_can_be_left_out" {
  command = plan

  variables {
    create_dashboard = false
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 0 && output.dashboard_name == null
    error_message = "create_dashboard = false creates no dashboard."
  }
}

run "archive_is_off_by_default" {
  command = plan

  assert {
    condition     = length(module.archive_bucket) == 0 && !contains(keys(module.function["hydrate"].environment_variables), "ARCHIVE_BUCKET") && output.archive_bucket_name == null
    error_message = "Without archive.enabled there is no archive bucket and hydrate gets no ARCHIVE_BUCKET."
  }
}

run "archive_bucket_for_replay" {
  command = plan

  variables {
    archive = { enabled = true, retention_days = 30 }
  }

  override_resource {
    target          = module.archive_bucket[0].aws_s3_bucket.this
    override_during = plan
    values = {
      bucket = "relay-archive-0001"
      id     = "relay-archive-0001"
      arn    = "arn:aws:s3:::relay-archive-0001"
    }
  }

  assert {
    condition     = module.function["hydrate"].environment_variables["ARCHIVE_BUCKET"] == "relay-archive-0001"
    error_message = "hydrate writes the archive named by ARCHIVE_BUCKET (docs/runtime-contract.md: opt)."
  }

  assert {
    condition     = module.archive_bucket[0].expiration.days == 30 && module.archive_bucket[0].expiration.prefix == "archive/"
    error_message = "Archived webhooks expire after archive.retention_days."
  }

  assert {
    condition     = module.archive_bucket[0].encryption.sse_algorithm == "AES256" && !module.archive_bucket[0].force_destroy
    error_message = "The archive is encrypted (SSE-S3 without a customer key) and not destroyed with its contents by default."
  }

  assert {
    condition     = one([for s in local.policy_statements.hydrate : s.Resource if s.Sid == "WriteArchive"]) == ["arn:aws:s3:::relay-archive-0001/archive/*"] && length([for s in local.policy_statements.ingest : s if s.Sid == "WriteArchive"]) == 0
    error_message = "Only hydrate may write the archive, under archive/ only."
  }

  assert {
    condition     = module.function["deliver"].environment_variables["STATE_TTL_SECONDS"] == tostring((30 + 1) * 86400)
    error_message = "The newest profile write times are kept while relay replay can send an older webhook (the archive's retention) or a dead letter can come back."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.archive_failed[0].metric_name == "archive_failed" &&
      aws_cloudwatch_metric_alarm.archive_failed[0].namespace == local.environment.hydrate.POWERTOOLS_METRICS_NAMESPACE &&
      aws_cloudwatch_metric_alarm.archive_failed[0].dimensions == tomap({ service = local.environment.hydrate.POWERTOOLS_SERVICE_NAME, function = "hydrate" }) &&
      aws_cloudwatch_metric_alarm.archive_failed[0].threshold == 0 &&
      contains(keys(output.alarm_arns), "archive-failed")
    )
    error_message = "A failed archive write is never a pipeline failure, so it must alarm: hydrate's archive_failed metric, on any count."
  }
}

run "archive_retention_is_bounded" {
  command = plan

  variables {
    archive = { enabled = true, retention_days = 0 }
  }

  expect_failures = [var.archive]
}

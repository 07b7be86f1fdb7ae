# Every knob of the module: a customer-managed KMS key, four sources (Shopify and Stripe through their presets,
# with overrides;
# Klaviyo system webhooks; a generic-HMAC source with a hydration chain whose API token lives in Secrets
# Manager), Klaviyo pacing, per-function and per-queue settings, alarms notifying an SNS topic, and tags.
# Secrets are created here as placeholders so that the example applies on its own; put the real values in
# out of band (Terraform ignores later changes to them) or pass them as variables. Run `npm run build` at
# the repository root first so that dist/*.zip exist.

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  placeholder = "REPLACE_ME"
  tags = {
    Project     = "klaviyo-webhook-relay"
    Environment = "example"
  }
}

################################################################################
# Customer-managed key for queues, table, logs, function environment and configuration
################################################################################

resource "aws_kms_key" "relay" {
  description             = "Encrypts the ${var.name} webhook relay's data at rest."
  enable_key_rotation     = true
  deletion_window_in_days = 7

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncrypts"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"
          }
        }
      },
      {
        # CloudWatch alarms publish to the encrypted alarm topic.
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        }
      },
    ]
  })

  tags = local.tags
}

################################################################################
# Where the alarms go (subscribe your email, chat or paging integration to it)
################################################################################

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.relay.arn
  tags              = local.tags
}

################################################################################
# Secrets the configuration refers to (values are placeholders unless passed in)
################################################################################

locals {
  # SSM SecureString parameters, keyed by what they hold: name suffix and value (null for the placeholder).
  ssm_secrets = {
    klaviyo_api_key        = { path = "klaviyo/api-key", value = var.klaviyo_api_key }
    shopify_client_secret  = { path = "shopify/client-secret", value = var.shopify_client_secret }
    stripe_signing_secret  = { path = "stripe/signing-secret", value = var.stripe_signing_secret }
    stripe_api_key         = { path = "stripe/api-key", value = var.stripe_api_key }
    shopify_admin_token    = { path = "shopify/admin-token", value = var.shopify_admin_token }
    klaviyo_webhook_secret = { path = "klaviyo/webhook-secret", value = var.klaviyo_webhook_secret }
    demo_signing_secret    = { path = "demo/signing-secret", value = var.demo_signing_secret }
  }
}

resource "aws_ssm_parameter" "secret" {
  for_each = local.ssm_secrets

  name   = "/${var.name}/${each.value.path}"
  type   = "SecureString"
  key_id = aws_kms_key.relay.arn
  value  = coalesce(each.value.value, local.placeholder)
  tags   = local.tags

  lifecycle {
    ignore_changes = [value]
  }
}

resource "aws_secretsmanager_secret" "demo_api_token" {
  name                    = "${var.name}/demo/api-token"
  kms_key_id              = aws_kms_key.relay.arn
  recovery_window_in_days = 0
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "demo_api_token" {
  secret_id     = aws_secretsmanager_secret.demo_api_token.id
  secret_string = coalesce(var.demo_api_token, local.placeholder)

  lifecycle {
    ignore_changes = [secret_string]
  }
}

################################################################################
# The relay
################################################################################

module "relay" {
  source = "../../"

  name          = var.name
  tags          = local.tags
  kms_key_arn   = aws_kms_key.relay.arn
  artifacts_dir = var.artifacts_dir

  # Every accepted webhook kept for 30 days, for `npm run relay -- replay` (encrypted with the relay's key).
  archive = { enabled = true, retention_days = 30, force_destroy = true }

  sources = {
    # The shopify preset: Placed Order, Ordered Product per line item, Fulfilled/Cancelled/Refunded Order, Started
    # Checkout and profile updates from customer topics. Overrides: the Admin API token the preset's refund lookup
    # needs, and one more Placed Order property (merged into the preset's entry by its id).
    shopify = {
      kind    = "shopify"
      preset  = "shopify"
      secrets = [{ ssm = aws_ssm_parameter.secret["shopify_client_secret"].name }]
      hydration = {
        connections = {
          admin = { auth = { header = "x-shopify-access-token", secret = { ssm = aws_ssm_parameter.secret["shopify_admin_token"].name } } }
        }
      }
      mapping = {
        events = [{ id = "placed_order", properties = { Channel = "event.source_name" } }]
      }
    }

    # The stripe preset (checkout sessions with their line items, invoices, subscriptions, refunds) needs an API
    # key to read line items and customers; it also upserts the profile's name and city from checkout sessions.
    stripe = {
      kind              = "stripe"
      preset            = "stripe"
      secrets           = [{ ssm = aws_ssm_parameter.secret["stripe_signing_secret"].name }]
      tolerance_seconds = 300
      hydration = {
        connections = {
          stripe = { auth = { kind = "bearer", secret = { ssm = aws_ssm_parameter.secret["stripe_api_key"].name } } }
        }
      }
      mapping = {
        profile_attributes = {
          first_name      = "event.data.object.customer_details.name"
          "location.city" = "event.data.object.customer_details.address.city"
        }
        emit = "both"
      }
    }

    # Klaviyo's own system webhooks; a batch may be large, so the body limit is raised for this source only. Each
    # event names its profile by Klaviyo profile id, which mapping.profile.id finds by default
    # (event.data.relationships.profile.data.id): the events go back to the same profile in this account.
    klaviyo = {
      kind              = "klaviyo"
      secrets           = [{ ssm = aws_ssm_parameter.secret["klaviyo_webhook_secret"].name }]
      max_body_bytes    = 5 * 1024 * 1024
      tolerance_seconds = 300
      # The event keeps the time it happened at Klaviyo (epoch seconds), not the time the relay received it.
      mapping = { metric = "Klaviyo System Event", time = "event.data.attributes.timestamp" }
    }

    demo = {
      kind    = "generic-hmac"
      secrets = [{ ssm = aws_ssm_parameter.secret["demo_signing_secret"].name }]
      signature = {
        header    = "x-demo-signature"
        algorithm = "sha256"
        encoding  = "hex"
        prefix    = "sha256="
        # The sender signs "<timestamp>.<body>" and sends the timestamp in its own header.
        timestamp_header  = "x-demo-timestamp"
        signed_content    = "{timestamp}.{body}"
        tolerance_seconds = 600
      }
      delivery_id = { header = "x-demo-delivery-id" }
      event_type  = { value = "order.created" }
      hydration = {
        base_url = var.demo_api_base_url
        auth = {
          header = "authorization"
          prefix = "Bearer "
          secret = { secrets_manager = aws_secretsmanager_secret.demo_api_token.arn }
        }
        timeout_ms = 3000
        # At most 10 calls a second from each hydrate instance; the API's rate headers may slow it further.
        requests_per_second = 10
        steps = [
          { name = "customer", path = "/customers/{event.customer}" },
          { name = "address", path = "/customers/{event.customer}/address" },
        ]
      }
      mapping = {
        metric  = "Placed Order"
        profile = { email = ["customer.email"], external_id = ["customer.id"] }
        value   = "event.total"
        include = ["event", "customer", "address"]
      }
    }
  }

  klaviyo = {
    api_key    = { ssm = aws_ssm_parameter.secret["klaviyo_api_key"].name }
    revision   = "2026-07-15"
    base_url   = var.klaviyo_base_url
    timeout_ms = 10000
    # Leave half of each Klaviyo rate limit to the account's other integrations; the deliver event source
    # mapping's maximum concurrency is max_concurrency.
    rate_budget_share      = 0.5
    bulk_threshold         = 24
    profile_bulk_threshold = 20
    max_pacing_wait_ms     = 2000
    max_concurrency        = 5
    max_in_flight          = 8
  }

  ingest = {
    max_body_bytes      = 512 * 1024
    dedupe_ttl_seconds  = 7 * 86400
    claim_lease_seconds = 60
  }

  functions = {
    ingest  = { memory_size = 512, timeout = 10, log_retention_days = 14, log_level = "INFO" }
    hydrate = { memory_size = 256, timeout = 30, log_retention_days = 30, log_level = "INFO" }
    # Reserved for every deliver queue's mapping at once: six queues (deliver_queues' default) x max_concurrency 5.
    deliver = { memory_size = 256, timeout = 20, reserved_concurrency = 30, log_retention_days = 30, log_level = "WARN" }
  }

  queues = {
    hydrate = { max_receive_count = 5, batch_size = 10, maximum_batching_window_in_seconds = 1 }
    deliver = {
      visibility_timeout_seconds         = 180
      max_receive_count                  = 12
      message_retention_seconds          = 4 * 86400
      dlq_message_retention_seconds      = 14 * 86400
      batch_size                         = 25
      maximum_batching_window_in_seconds = 2
    }
  }

  dedupe_table = {
    point_in_time_recovery = true
    deletion_protection    = false
  }

  api = {
    throttling_burst_limit    = 200
    throttling_rate_limit     = 100
    access_log_retention_days = 14
  }

  alarms = {
    sns_topic_arn                    = aws_sns_topic.alarms.arn
    queue_oldest_message_age_seconds = 600
    function_errors_threshold        = 0
    ingest_5xx_rate_percent          = 1
    ingest_5xx_min_requests          = 20
  }

  function_tags = { Tier = "compute" }
  queue_tags    = { Tier = "messaging" }
}

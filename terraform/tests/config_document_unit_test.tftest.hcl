# The configuration document as stored and checked (docs/adr/0025-configuration-layout-and-source-isolation.md):
# - its size: a relay with 50 realistic sources plans with every parameter within SSM's ceiling (the document
#   split per source), and a source whose part is larger than an SSM parameter holds is refused at plan, with a
#   message that names it;
# - what Terraform cannot check: the apply invokes hydrate with a validation request, and a refusal fails it.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"

  klaviyo = {
    api_key = { ssm = "/relay/klaviyo-api-key" }
  }

  # 50 sources in four shapes, as in examples/complete: a preset with overrides, Klaviyo's system webhooks, and a
  # generic-HMAC source with a hydration chain and its own mapping (the largest, 2.2 KB rendered).
  sources = merge(
    { for i in range(13) : "shop-${i}" => {
      kind    = "shopify"
      preset  = "shopify"
      secrets = [{ ssm = "/relay/shop-${i}/client-secret" }]
      hydration = {
        connections = {
          admin = { auth = { header = "x-shopify-access-token", secret = { ssm = "/relay/shop-${i}/admin-token" } } }
        }
      }
      mapping = { events = [{ id = "placed_order", properties = { Channel = "event.source_name" } }] }
    } },
    { for i in range(12) : "stripe-${i}" => {
      kind              = "stripe"
      preset            = "stripe"
      secrets           = [{ ssm = "/relay/stripe-${i}/signing-secret" }]
      tolerance_seconds = 300
      hydration = {
        connections = { stripe = { auth = { kind = "bearer", secret = { ssm = "/relay/stripe-${i}/api-key" } } } }
      }
      mapping = {
        profile_attributes = {
          first_name      = "event.data.object.customer_details.name"
          "location.city" = "event.data.object.customer_details.address.city"
        }
        emit = "both"
      }
    } },
    { for i in range(12) : "klaviyo-${i}" => {
      kind              = "klaviyo"
      secrets           = [{ ssm = "/relay/klaviyo-${i}/webhook-secret" }]
      max_body_bytes    = 5 * 1024 * 1024
      tolerance_seconds = 300
      mapping           = { metric = "Klaviyo System Event", time = "event.data.attributes.timestamp" }
    } },
    { for i in range(13) : "app-${i}" => {
      kind    = "generic-hmac"
      secrets = [{ secrets_manager = "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/app-${i}/signing" }]
      signature = {
        header            = "x-app-signature"
        prefix            = "sha256="
        timestamp_header  = "x-app-timestamp"
        signed_content    = "{timestamp}.{body}"
        tolerance_seconds = 600
      }
      delivery_id = { header = "x-app-delivery-id" }
      event_type  = { header = "x-app-event" }
      hydration = {
        base_url            = "https://app-${i}.example.com/api"
        auth                = { header = "authorization", prefix = "Bearer ", secret = { ssm = "/relay/app-${i}/api-token" } }
        timeout_ms          = 3000
        requests_per_second = 10
        steps = [
          { name = "customer", path = "/customers/{event.customer}" },
          { name = "address", path = "/customers/{event.customer}/address" },
          { name = "orders", path = "/customers/{event.customer}/orders", params = { limit = "=$string(5)" } },
        ]
      }
      mapping = {
        metric     = "=event.kind = 'refund' ? 'Refunded Order' : 'Placed Order'"
        profile    = { email = ["customer.email", "event.email"], external_id = ["customer.id"], phone_number = ["customer.phone"] }
        value      = "event.total"
        unique_id  = "event.id"
        include    = ["event", "customer", "address", "orders"]
        properties = { ItemCount = "=$count(event.items)", Coupon = "event.discount.code", Store = "event.store.name" }
      }
    } },
  )
}

run "fifty_sources_fit_ssm" {
  command = plan

  assert {
    condition     = length(aws_ssm_parameter.source_config) == 50
    error_message = "Each of the 50 sources is its own parameter."
  }

  assert {
    condition     = alltrue([for p in values(aws_ssm_parameter.source_config) : length(p.value) <= 8192])
    error_message = "Every source's parameter fits an SSM parameter (8,192 bytes)."
  }

  assert {
    condition     = length(aws_ssm_parameter.config.value) <= 4096 && aws_ssm_parameter.config.tier == "Standard"
    error_message = "The document's own parameter (version, klaviyo, ingest) fits the standard tier."
  }

  assert {
    condition     = aws_ssm_parameter.source_config["app-0"].name == "/relay/config/sources/app-0"
    error_message = "A source's part is /<config_parameter_name>/sources/<source>, where the functions read it."
  }

  # What the functions assemble (the parameter, and each part under its source's name) is the whole document.
  assert {
    condition = jsondecode(output.config_document) == merge(jsondecode(aws_ssm_parameter.config.value), {
      sources = { for key, p in aws_ssm_parameter.source_config : key => jsondecode(p.value) }
    })
    error_message = "The parameters hold the config_document output, split per source."
  }
}

run "an_oversized_source_fails_at_plan" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/relay/shop/secret" }] }
      huge = {
        kind    = "shopify"
        secrets = [{ ssm = "/relay/huge/secret" }]
        # 40 properties of about 230 characters each: about 9.5 KB, more than a parameter holds.
        mapping = {
          properties = { for i in range(40) : "Property${i}" => "=$join([event.line_items[${i}].title, event.line_items[${i}].variant_title, event.line_items[${i}].vendor, event.line_items[${i}].sku, $string(event.line_items[${i}].quantity), $string(event.line_items[${i}].price)], ' / ')" }
        }
      }
    }
  }

  expect_failures = [aws_ssm_parameter.source_config["huge"]]
}

run "hydrate_validates_the_document_on_apply" {
  command = plan

  assert {
    condition     = length(aws_lambda_invocation.validate_config) == 1 && aws_lambda_invocation.validate_config[0].function_name == "relay-hydrate"
    error_message = "The apply invokes hydrate to validate the document."
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.validate_config[0].input) == { relay_validate_config = {} }
    error_message = "The invocation is a validation request for the document as stored."
  }

  assert {
    condition     = aws_lambda_invocation.validate_config[0].triggers.document == sha256(output.config_document)
    error_message = "A change of the document invokes hydrate again."
  }
}

run "validation_can_be_turned_off" {
  command = plan

  variables {
    validate_configuration = false
  }

  assert {
    condition     = length(aws_lambda_invocation.validate_config) == 0
    error_message = "validate_configuration = false invokes nothing (for emulators that cannot run Lambda code)."
  }
}

run "a_refusal_fails_the_apply" {
  command = plan

  override_resource {
    target          = aws_lambda_invocation.validate_config[0]
    override_during = plan
    values = {
      result = "{\"valid\":false,\"origin\":\"ssm:/relay/config\",\"message\":\"sources.app-0.mapping.filter: not a valid JSONata expression\"}"
    }
  }

  expect_failures = [aws_lambda_invocation.validate_config[0]]
}

# expect_failures for every input validation of the root module. The sources runs break one rule each. The
# "inputs_round" runs break one rule in each of several different inputs at once and expect exactly those
# inputs to be rejected: a variable's validations do not depend on the other variables, so this is as
# precise as one run per rule, and much faster (every run block starts the provider again).

mock_provider "aws" {}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"

  sources = {
    shop = {
      kind    = "shopify"
      secrets = [{ ssm = "/relay/shop/secret" }]
    }
  }

  klaviyo = {
    api_key = { ssm = "/relay/klaviyo-api-key" }
  }
}

run "valid_inputs_plan" {
  command = plan
}

run "source_key_must_be_lowercase" {
  command = plan

  variables {
    sources = {
      "Shop Two" = { kind = "shopify", secrets = [{ ssm = "/s" }] }
    }
  }

  expect_failures = [var.sources]
}

run "source_kind_must_be_known" {
  command = plan

  variables {
    sources = {
      shop = { kind = "paypal", secrets = [{ ssm = "/s" }] }
    }
  }

  expect_failures = [var.sources]
}

run "source_needs_a_secret" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [] }
    }
  }

  expect_failures = [var.sources]
}

run "source_at_most_5_secrets" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/a" }, { ssm = "/b" }, { ssm = "/c" }, { ssm = "/d" }, { ssm = "/e" }, { ssm = "/f" }] }
    }
  }

  expect_failures = [var.sources]
}

run "secret_ref_exactly_one_kind" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/a", secrets_manager = "arn:aws:secretsmanager:us-east-2:123456789012:secret:a" }] }
    }
  }

  expect_failures = [var.sources]
}

run "secret_ref_not_empty" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{}] }
    }
  }

  expect_failures = [var.sources]
}

run "ssm_ref_must_be_a_parameter_name" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "not a name!" }] }
    }
  }

  expect_failures = [var.sources]
}

run "secrets_manager_ref_must_be_an_arn" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ secrets_manager = "my-secret" }] }
    }
  }

  expect_failures = [var.sources]
}

run "generic_hmac_needs_signature" {
  command = plan

  variables {
    sources = {
      gh = { kind = "generic-hmac", secrets = [{ ssm = "/s" }] }
    }
  }

  expect_failures = [var.sources]
}

run "shopify_takes_no_signature" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], signature = { header = "x-sig" } }
    }
  }

  expect_failures = [var.sources]
}

run "shopify_takes_no_delivery_id" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], delivery_id = { header = "x-id" } }
    }
  }

  expect_failures = [var.sources]
}

run "signature_algorithm_must_be_known" {
  command = plan

  variables {
    sources = {
      gh = { kind = "generic-hmac", secrets = [{ ssm = "/s" }], signature = { header = "x-sig", algorithm = "md5" } }
    }
  }

  expect_failures = [var.sources]
}

run "signature_encoding_must_be_known" {
  command = plan

  variables {
    sources = {
      gh = { kind = "generic-hmac", secrets = [{ ssm = "/s" }], signature = { header = "x-sig", encoding = "base32" } }
    }
  }

  expect_failures = [var.sources]
}

run "tolerance_in_range" {
  command = plan

  variables {
    sources = {
      pay = { kind = "stripe", secrets = [{ ssm = "/s" }], tolerance_seconds = 86401 }
    }
  }

  expect_failures = [var.sources]
}

run "tolerance_only_for_timestamped_kinds" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], tolerance_seconds = 300 }
    }
  }

  expect_failures = [var.sources]
}

run "scheme_only_for_token" {
  command = plan

  variables {
    sources = {
      bc = { kind = "bigcommerce", secrets = [{ ssm = "/s" }], scheme = "bearer" }
    }
  }

  expect_failures = [var.sources]
}

run "max_body_bytes_in_range" {
  command = plan

  variables {
    sources = {
      kl = { kind = "klaviyo", secrets = [{ ssm = "/s" }], max_body_bytes = 6291456 }
    }
  }

  expect_failures = [var.sources]
}

run "timestamp_in_signed_content_needs_header" {
  command = plan

  variables {
    sources = {
      gh = { kind = "generic-hmac", secrets = [{ ssm = "/s" }], signature = { header = "x-sig", signed_content = "{timestamp}.{body}" } }
    }
  }

  expect_failures = [var.sources]
}

run "timestamp_header_needs_timestamp_in_signed_content" {
  command = plan

  variables {
    # An unsigned timestamp can be rewritten to pass the tolerance: the header is only allowed when it is signed.
    sources = {
      gh = { kind = "generic-hmac", secrets = [{ ssm = "/s" }], signature = { header = "x-sig", timestamp_header = "x-ts" } }
    }
  }

  expect_failures = [var.sources]
}

run "profile_attribute_must_be_known" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { profile_attributes = { email = "customer.email" } } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_emit_must_be_known" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { emit = "metric" } }
    }
  }

  expect_failures = [var.sources]
}

run "event_type_exactly_one_field" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], event_type = { header = "x-topic", path = "topic" } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_base_url_must_be_http" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "ftp://x", steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_base_url_plain_http_only_to_loopback" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "http://shop.example.com/admin/api", steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_base_url_loopback_lookalike_is_not_loopback" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "http://127.0.0.1.example.com", steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_base_url_http_to_loopback_is_allowed" {
  command = plan

  variables {
    sources = {
      a = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "http://127.0.0.1:4010/api", steps = [{ name = "customer", path = "/c" }] } }
      b = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "http://localhost:4010", steps = [{ name = "customer", path = "/c" }] } }
      c = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "http://[::1]:4010", steps = [{ name = "customer", path = "/c" }] } }
      d = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://shop.myshopify.com/admin/api/2025-01", steps = [{ name = "customer", path = "/c" }] } }
    }
  }
}

run "hydration_needs_a_step" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", steps = [] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_step_name_lower_snake_case" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", steps = [{ name = "Customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_step_path_starts_with_slash" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", steps = [{ name = "customer", path = "c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_timeout_in_range" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", timeout_ms = 50, steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_auth_secret_exactly_one_kind" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", auth = { header = "authorization", secret = {} }, steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_metric_at_most_128" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { metric = "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm" } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_paths_are_dot_paths" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { profile = { email = ["customer..email"] } } }
    }
  }

  expect_failures = [var.sources]
}

run "ingest_claim_lease_covers_the_ingest_timeout" {
  command = plan

  variables {
    # A lease shorter than ingest's longest timeout (30 s) can lapse while the request still runs, and a
    # concurrent retry then enqueues the event a second time.
    ingest = { claim_lease_seconds = 29 }
  }

  expect_failures = [var.ingest]
}

run "ingest_dedupe_ttl_covers_stripe_retries" {
  command = plan

  variables {
    # Stripe retries for 3 days: a shorter TTL forgets a delivery id its sender still retries.
    ingest = { dedupe_ttl_seconds = 259199 }
  }

  expect_failures = [var.ingest]
}

run "ingest_bounds_at_their_minimum_plan" {
  command = plan

  variables {
    ingest    = { claim_lease_seconds = 30, dedupe_ttl_seconds = 259200 }
    functions = { ingest = { timeout = 30 } }
  }
}

run "hydrate_budget_at_least_1_mib" {
  command = plan

  variables {
    hydrate = { max_bytes_per_webhook = 1048575 }
  }

  expect_failures = [var.hydrate]
}

run "hydrate_budget_reaches_the_document" {
  command = plan

  variables {
    hydrate = { max_bytes_per_webhook = 1048576 }
  }

  assert {
    condition     = jsondecode(output.config_document).hydrate.max_bytes_per_webhook == 1048576
    error_message = "hydrate.max_bytes_per_webhook must reach the configuration document."
  }
}

run "inputs_round_1" {
  command = plan

  variables {
    # name_must_start_with_a_letter
    name = "1relay"
    # klaviyo_key_reference_required
    klaviyo = { api_key = {} }
    # ingest_max_body_in_range
    ingest = { max_body_bytes = 1048576 }
    # config_parameter_name_is_a_name
    config_parameter_name = "bad name"
    # artifacts_keys_are_functions
    artifacts = { worker = { filename = "tests/fixtures/ingest.zip" } }
    # functions_keys_are_functions
    functions = { worker = { memory_size = 256 } }
    # queues_keys_are_queues
    queues = { ingest = {} }
    # deliver_queues_are_families_other_than_events (events always use the deliver queue)
    deliver_queues = ["profiles", "events"]
    # api_burst_in_range
    api = { throttling_burst_limit = 5001 }
    # kms_key_arn_not_an_alias
    kms_key_arn = "arn:aws:kms:us-east-2:123456789012:alias/relay"
  }

  expect_failures = [
    var.name,
    var.klaviyo,
    var.ingest,
    var.config_parameter_name,
    var.artifacts,
    var.functions,
    var.queues,
    var.deliver_queues,
    var.api,
    var.kms_key_arn,
  ]
}

run "inputs_round_2" {
  command = plan

  variables {
    # name_at_most_40_characters
    name = "a123456789012345678901234567890123456789x"
    # klaviyo_key_secrets_manager_must_be_an_arn
    klaviyo = { api_key = { secrets_manager = "klaviyo" } }
    # ingest_dedupe_ttl_at_least_an_hour
    ingest = { dedupe_ttl_seconds = 60 }
    # artifacts_filename_or_s3
    artifacts = { ingest = { filename = "tests/fixtures/ingest.zip", s3_bucket = "b", s3_key = "k" } }
    # functions_memory_in_range
    functions = { ingest = { memory_size = 64 } }
    # queues_max_receive_count_at_least_one
    queues = { hydrate = { max_receive_count = 0 } }
    # deliver_queues_are_family_keys (back-in-stock, as in functions/shared/stage/deliver-families.ts)
    deliver_queues = ["back_in_stock"]
    # api_rate_in_range
    api = { throttling_rate_limit = -1 }
  }

  expect_failures = [
    var.name,
    var.klaviyo,
    var.ingest,
    var.artifacts,
    var.functions,
    var.queues,
    var.deliver_queues,
    var.api,
  ]
}

run "inputs_round_3" {
  command = plan

  variables {
    # klaviyo_revision_is_dated
    klaviyo = { api_key = { ssm = "/k" }, revision = "latest" }
    # ingest_claim_lease_in_range
    ingest = { claim_lease_seconds = 1 }
    # functions_timeout_in_range
    functions = { hydrate = { timeout = 901 } }
    # queues_visibility_in_range
    queues = { hydrate = { visibility_timeout_seconds = 5 } }
    # api_access_log_retention_is_a_cloudwatch_value
    api = { access_log_retention_days = 2 }
  }

  expect_failures = [
    var.klaviyo,
    var.ingest,
    var.functions,
    var.queues,
    var.api,
  ]
}

run "inputs_round_4" {
  command = plan

  variables {
    # klaviyo_base_url_is_http
    klaviyo = { api_key = { ssm = "/k" }, base_url = "a.klaviyo.com" }
    # ingest_timeout_at_most_30
    functions = { ingest = { timeout = 31 } }
    # queues_dlq_keeps_messages_longer
    queues = { deliver = { message_retention_seconds = 1209600, dlq_message_retention_seconds = 1209600 } }
  }

  expect_failures = [
    var.klaviyo,
    var.functions,
    var.queues,
  ]
}

run "inputs_round_5" {
  command = plan

  variables {
    # klaviyo_timeout_in_range
    klaviyo = { api_key = { ssm = "/k" }, timeout_ms = 99 }
    # functions_reserved_concurrency_at_least_minus_one
    functions = { deliver = { reserved_concurrency = -2 } }
    # queues_large_batches_need_a_window
    queues = { deliver = { batch_size = 100 } }
  }

  expect_failures = [
    var.klaviyo,
    var.functions,
    var.queues,
  ]
}

run "inputs_round_6" {
  command = plan

  variables {
    # klaviyo_rate_budget_share_in_range
    klaviyo = { api_key = { ssm = "/k" }, rate_budget_share = 0.01 }
    # functions_log_retention_is_a_cloudwatch_value
    functions = { deliver = { log_retention_days = 2 } }
    # queues_maximum_concurrency_at_least_two
    queues = { deliver = { maximum_concurrency = 1 } }
  }

  expect_failures = [
    var.klaviyo,
    var.functions,
    var.queues,
  ]
}

run "inputs_round_7" {
  command = plan

  variables {
    # klaviyo_max_concurrency_at_least_two (Lambda's scaling_config minimum)
    klaviyo = { api_key = { ssm = "/k" }, max_concurrency = 1 }
    # functions_log_level_is_known
    functions = { deliver = { log_level = "TRACE" } }
    # queues_deliver_concurrency_comes_from_klaviyo
    queues = { deliver = { maximum_concurrency = 4 } }
  }

  expect_failures = [
    var.klaviyo,
    var.functions,
    var.queues,
  ]
}

run "inputs_round_8" {
  command = plan

  variables {
    # klaviyo_bulk_threshold_at_least_two
    klaviyo = { api_key = { ssm = "/k" }, bulk_threshold = 1 }
    # functions_runtime_node22_or_later
    functions = { deliver = { runtime = "nodejs20.x" } }
  }

  expect_failures = [
    var.klaviyo,
    var.functions,
  ]
}

run "inputs_round_9" {
  command = plan

  variables {
    # klaviyo_max_in_flight_at_most_64
    klaviyo = { api_key = { ssm = "/k" }, max_in_flight = 65 }
    # functions_architecture_is_known
    functions = { deliver = { architecture = "riscv" } }
  }

  expect_failures = [
    var.klaviyo,
    var.functions,
  ]
}

run "inputs_round_10" {
  command = plan

  variables {
    # klaviyo_max_pacing_wait_at_most_10000
    klaviyo = { api_key = { ssm = "/k" }, max_pacing_wait_ms = 10001 }
  }

  expect_failures = [
    var.klaviyo,
  ]
}

run "inputs_round_11" {
  command = plan

  variables {
    # alarms_sns_topic_is_an_arn
    alarms = { sns_topic_arn = "relay-alarms" }
    # dedupe_existing_table_is_an_arn
    dedupe_table = { existing_table_arn = "shared-dedupe" }
  }

  expect_failures = [
    var.alarms,
    var.dedupe_table,
  ]
}

run "inputs_round_12" {
  command = plan

  variables {
    # alarms_oldest_age_at_least_60
    alarms = { queue_oldest_message_age_seconds = 59 }
  }

  expect_failures = [
    var.alarms,
  ]
}

run "inputs_round_13" {
  command = plan

  variables {
    # alarms_errors_threshold_whole
    alarms = { function_errors_threshold = 0.5 }
  }

  expect_failures = [
    var.alarms,
  ]
}

run "inputs_round_14" {
  command = plan

  variables {
    # alarms_5xx_percent_at_most_100
    alarms = { ingest_5xx_rate_percent = 101 }
  }

  expect_failures = [
    var.alarms,
  ]
}

run "inputs_round_15" {
  command = plan

  variables {
    # alarms_5xx_min_requests_at_least_1
    alarms = { ingest_5xx_min_requests = 0 }
  }

  expect_failures = [
    var.alarms,
  ]
}

run "inputs_round_16" {
  command = plan

  variables {
    # alarms_sustained_failures_threshold_whole
    alarms = { sustained_failures_threshold = -1 }
    # klaviyo_profile_bulk_threshold_at_least_two
    klaviyo = { api_key = { ssm = "/k" }, profile_bulk_threshold = 1 }
  }

  expect_failures = [
    var.alarms,
    var.klaviyo,
  ]
}

run "hydration_requests_per_second_is_rendered_when_set" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", requests_per_second = 2.5, steps = [{ name = "customer", path = "/c" }] } }
      slow = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", requests_per_second = 0.1, steps = [{ name = "customer", path = "/c" }] } }
      fast = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", requests_per_second = 1000, steps = [{ name = "customer", path = "/c" }] } }
      free = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  assert {
    condition     = jsondecode(output.config_document).sources.shop.hydration.requests_per_second == 2.5
    error_message = "hydration.requests_per_second must reach the configuration document."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.free.hydration.requests_per_second == null
    error_message = "An unset hydration.requests_per_second stays unset (no client-side limit)."
  }
}

run "hydration_requests_per_second_below_range" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", requests_per_second = 0, steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "hydration_requests_per_second_above_range" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://x", requests_per_second = 1001, steps = [{ name = "customer", path = "/c" }] } }
    }
  }

  expect_failures = [var.sources]
}

# `{ env = … }` secret references are for local mode only: in Lambda they would read the function's own
# environment (the role's session credentials). The input types have no env attribute, so one is dropped and the
# reference is refused as naming neither ssm nor secrets_manager (docs/adr/0027-security-boundaries.md).
run "env_secret_references_are_refused" {
  command = plan

  variables {
    sources = {
      shop = {
        kind    = "shopify"
        secrets = [{ env = "AWS_SESSION_TOKEN" }]
      }
    }
    klaviyo = { api_key = { env = "AWS_SECRET_ACCESS_KEY" } }
  }

  expect_failures = [var.sources, var.klaviyo]
}

run "env_secret_references_are_refused_in_hydration_auth" {
  command = plan

  variables {
    sources = {
      shop = {
        kind    = "shopify"
        secrets = [{ ssm = "/relay/shop/secret" }]
        hydration = {
          base_url = "https://collector.example.net"
          auth     = { header = "x-token", secret = { env = "AWS_SESSION_TOKEN" } }
          steps    = [{ name = "order", path = "/orders/{event.id}" }]
        }
      }
    }
  }

  expect_failures = [var.sources]
}

# Plan-level tests of the deliver queue per Klaviyo write family (queues.tf, var.deliver_queues): each family's
# queue with its DLQ, redrive and alarms, its event source mapping on deliver, the functions' DELIVER_QUEUE_URLS
# and DELIVER_DLQ_URLS maps, and the IAM statements that name them (its validation is in validation_unit_test).
# Every queue gets a realistic ARN and URL.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

override_resource {
  target          = module.function["deliver"].aws_lambda_function.this
  override_during = plan
  values = {
    arn = "arn:aws:lambda:us-east-2:123456789012:function:relay-deliver"
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

run "every_family_gets_its_queue_by_default" {
  command = plan

  assert {
    condition = toset(keys(output.queue_urls)) == toset([
      "hydrate", "deliver", "deliver-profiles", "deliver-consent", "deliver-catalog", "deliver-records", "deliver-back-in-stock",
    ]) && toset(keys(output.dlq_arns)) == toset(keys(output.queue_urls))
    error_message = "By default each of the five families must get its own deliver queue and DLQ, keyed deliver-<family>, beside hydrate and deliver."
  }

  assert {
    condition = alltrue([for f in ["profiles", "consent", "catalog", "records", "back-in-stock"] :
      module.queue["deliver-${f}"].queue_name == "relay-deliver-${f}" && module.queue["deliver-${f}"].dlq_name == "relay-deliver-${f}-dlq" &&
      output.queue_arns["deliver-${f}"] == "arn:aws:sqs:us-east-2:123456789012:relay-deliver-${f}" &&
      output.dlq_urls["deliver-${f}"] == "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-${f}-dlq"
    ])
    error_message = "Each family's queue must be named <name>-deliver-<family>, its DLQ <name>-deliver-<family>-dlq, and the outputs must carry them."
  }

  assert {
    condition = alltrue([for q in keys(output.queue_urls) : q == "hydrate" ? true : (
      jsondecode(module.queue[q].redrive_policy).deadLetterTargetArn == module.queue[q].dlq_arn &&
      jsondecode(module.queue[q].redrive_policy).maxReceiveCount == 10 &&
      module.queue[q].visibility_timeout_seconds == module.queue["deliver"].visibility_timeout_seconds &&
      module.queue[q].message_retention_seconds == module.queue["deliver"].message_retention_seconds &&
      module.queue[q].dlq_message_retention_seconds == module.queue["deliver"].dlq_message_retention_seconds &&
      module.queue[q].max_message_size == module.queue["deliver"].max_message_size &&
      module.queue[q].encryption.queue.sqs_managed_sse_enabled && module.queue[q].encryption.dlq.sqs_managed_sse_enabled
    )])
    error_message = "Every deliver queue must redrive to its own DLQ after deliver's receive count and take the deliver queue's settings."
  }

  assert {
    condition = alltrue(flatten([for f in ["profiles", "consent", "catalog", "records", "back-in-stock"] : [
      for a in ["dlq-not-empty", "oldest-message-age"] : contains(keys(output.alarm_arns), "deliver-${f}-${a}")
    ]]))
    error_message = "Each family's queue must have the deliver queue's alarms (DLQ not empty, oldest message age)."
  }

  assert {
    condition = toset(keys(aws_lambda_event_source_mapping.deliver_family)) == toset([
      "deliver-profiles", "deliver-consent", "deliver-catalog", "deliver-records", "deliver-back-in-stock",
      ]) && alltrue([for q, m in aws_lambda_event_source_mapping.deliver_family :
      m.event_source_arn == "arn:aws:sqs:us-east-2:123456789012:relay-${q}" &&
      m.function_name == "arn:aws:lambda:us-east-2:123456789012:function:relay-deliver" &&
      toset(m.function_response_types) == toset(["ReportBatchItemFailures"]) &&
      m.batch_size == module.function["deliver"].event_source_mapping.batch_size &&
      m.maximum_batching_window_in_seconds == module.function["deliver"].event_source_mapping.maximum_batching_window_in_seconds &&
      m.scaling_config[0].maximum_concurrency == var.klaviyo.max_concurrency &&
      m.scaling_config[0].maximum_concurrency == module.function["deliver"].event_source_mapping.maximum_concurrency
    ])
    error_message = "Each family's queue must trigger deliver with partial batch responses and the deliver mapping's batch size, window and maximum concurrency."
  }

  assert {
    condition = toset(keys(output.event_source_mapping_uuids)) == toset([
      "hydrate", "deliver", "deliver-profiles", "deliver-consent", "deliver-catalog", "deliver-records", "deliver-back-in-stock",
    ])
    error_message = "event_source_mapping_uuids must name every mapping by the queue it consumes."
  }

  assert {
    condition = jsondecode(module.function["hydrate"].environment_variables.DELIVER_QUEUE_URLS) == {
      "profiles"      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles"
      "consent"       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent"
      "catalog"       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog"
      "records"       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records"
      "back-in-stock" = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock"
    } && module.function["hydrate"].environment_variables.DELIVER_QUEUE_URL == "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver"
    error_message = "hydrate must get DELIVER_QUEUE_URL (events) and DELIVER_QUEUE_URLS, family key to that family's queue URL."
  }

  assert {
    condition = (
      module.function["deliver"].environment_variables.DELIVER_QUEUE_URLS == module.function["hydrate"].environment_variables.DELIVER_QUEUE_URLS &&
      jsondecode(module.function["deliver"].environment_variables.DELIVER_DLQ_URLS) == {
        "profiles"      = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-profiles-dlq"
        "consent"       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-consent-dlq"
        "catalog"       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog-dlq"
        "records"       = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-records-dlq"
        "back-in-stock" = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-back-in-stock-dlq"
      } &&
      module.function["deliver"].environment_variables.DELIVER_QUEUE_URL == "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver" &&
      module.function["deliver"].environment_variables.DELIVER_DLQ_URL == "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-dlq" &&
      module.function["deliver"].environment_variables.MAX_RECEIVE_COUNT == "10"
    )
    error_message = "deliver must get the events pair (DELIVER_QUEUE_URL, DELIVER_DLQ_URL) and the families' pairs as DELIVER_QUEUE_URLS and DELIVER_DLQ_URLS, with hydrate's keys."
  }

  assert {
    condition = toset(one([for s in local.policy_statements.deliver : s.Resource if s.Sid == "ConsumeDeliverQueue"])) == toset([
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-profiles",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-consent",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-catalog",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-records",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-back-in-stock",
    ])
    error_message = "deliver must receive from (and delete on) every deliver queue, and no other."
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements.deliver : s.Resource if contains(s.Action, "sqs:SendMessage")])) == toset([
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
    error_message = "deliver may send to every deliver queue (deferrals) and every deliver DLQ (dead letters), and nowhere else."
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
    error_message = "hydrate may send to every deliver queue, its DLQ and its own queue, and to no deliver DLQ."
  }

  assert {
    condition = alltrue([for q in ["relay-deliver-profiles", "relay-deliver-back-in-stock-dlq", "relay-deliver-records"] :
      strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "\"${q}\"")
    ])
    error_message = "The dashboard must show every family's queue and DLQ by name."
  }
}

run "deliver_settings_reach_every_family_queue" {
  command = plan

  variables {
    functions = { deliver = { timeout = 20 } }
    queues = {
      deliver = { max_receive_count = 12, batch_size = 50, maximum_batching_window_in_seconds = 5, message_retention_seconds = 86400 }
    }
    klaviyo = {
      api_key         = { ssm = "/relay/klaviyo-api-key" }
      max_concurrency = 4
    }
  }

  assert {
    condition = alltrue([for f in ["profiles", "consent", "catalog", "records", "back-in-stock"] : (
      jsondecode(module.queue["deliver-${f}"].redrive_policy).maxReceiveCount == 12 &&
      module.queue["deliver-${f}"].visibility_timeout_seconds == 120 &&
      module.queue["deliver-${f}"].message_retention_seconds == 86400 &&
      aws_lambda_event_source_mapping.deliver_family["deliver-${f}"].batch_size == 50 &&
      aws_lambda_event_source_mapping.deliver_family["deliver-${f}"].maximum_batching_window_in_seconds == 5 &&
      aws_lambda_event_source_mapping.deliver_family["deliver-${f}"].scaling_config[0].maximum_concurrency == 4
    )])
    error_message = "queues.deliver, deliver's timeout and klaviyo.max_concurrency must reach every family's queue and mapping."
  }

  assert {
    condition     = module.function["deliver"].environment_variables.MAX_RECEIVE_COUNT == "12"
    error_message = "MAX_RECEIVE_COUNT must be the receive count every deliver queue has."
  }
}

run "no_family_queues" {
  command = plan

  variables {
    deliver_queues = []
  }

  assert {
    condition     = toset(keys(output.queue_urls)) == toset(["hydrate", "deliver"]) && length(aws_lambda_event_source_mapping.deliver_family) == 0
    error_message = "With deliver_queues = [] only the hydrate and deliver queues (and their mappings) must exist."
  }

  assert {
    condition     = toset(keys(output.event_source_mapping_uuids)) == toset(["hydrate", "deliver"])
    error_message = "Without family queues only the hydrate and deliver mappings must be listed."
  }

  assert {
    condition = (
      jsondecode(module.function["hydrate"].environment_variables.DELIVER_QUEUE_URLS) == {} &&
      jsondecode(module.function["deliver"].environment_variables.DELIVER_QUEUE_URLS) == {} &&
      jsondecode(module.function["deliver"].environment_variables.DELIVER_DLQ_URLS) == {}
    )
    error_message = "Without family queues the maps must be empty, so every family goes to the deliver queue."
  }

  assert {
    condition = toset(one([for s in local.policy_statements.deliver : s.Resource if s.Sid == "DeadLetterAndDefer"])) == toset([
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver-dlq",
      "arn:aws:sqs:us-east-2:123456789012:relay-deliver",
    ]) && one([for s in local.policy_statements.deliver : s.Resource if s.Sid == "ConsumeDeliverQueue"]) == ["arn:aws:sqs:us-east-2:123456789012:relay-deliver"]
    error_message = "Without family queues deliver's policy must name the deliver queue and DLQ only."
  }

  assert {
    condition     = !contains(keys(output.alarm_arns), "deliver-profiles-dlq-not-empty") && contains(keys(output.alarm_arns), "deliver-dlq-not-empty")
    error_message = "Without family queues there are no family alarms."
  }
}

run "some_family_queues" {
  command = plan

  variables {
    deliver_queues = ["catalog"]
  }

  assert {
    condition     = toset(keys(output.queue_urls)) == toset(["hydrate", "deliver", "deliver-catalog"]) && keys(aws_lambda_event_source_mapping.deliver_family) == ["deliver-catalog"]
    error_message = "deliver_queues = [\"catalog\"] must add the catalog queue and its mapping only."
  }

  assert {
    condition = jsondecode(module.function["hydrate"].environment_variables.DELIVER_QUEUE_URLS) == {
      "catalog" = "https://sqs.us-east-2.amazonaws.com/123456789012/relay-deliver-catalog"
    }
    error_message = "hydrate's map must hold the catalog family only (the others go to the deliver queue)."
  }
}

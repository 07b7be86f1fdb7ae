# The hydration section (docs/adr/0016-hydration-connections-and-steps.md): how the typed input renders into the
# configuration document ("=" value specs become { expr }, body JSON text becomes JSON), which secret references
# hydrate may read, and expect_failures for its validations.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"

  klaviyo = {
    api_key = { ssm = "/relay/klaviyo-api-key" }
  }

  sources = {
    bc = {
      kind    = "bigcommerce"
      secrets = [{ ssm = "/relay/bc/secret" }]
      hydration = {
        connections = {
          store = {
            base_url = "https://api.bigcommerce.com/stores/{params.store_hash}/v2"
            params   = { store_hash = "=$substringAfter(meta.producer, 'stores/')" }
            auth     = { header = "X-Auth-Token", secret = { ssm = "/relay/bc/token" } }
          }
          woo = {
            base_url = "https://shop.example.com/wp-json/wc/v3"
            auth = {
              kind        = "basic"
              user_secret = { ssm = "/relay/woo/key" }
              password    = { secrets_manager = "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/woo-secret" }
            }
            timeout_ms = 2000
          }
          keyed = {
            base_url = "https://api.example.com"
            auth     = { kind = "query", param = "api_key", secret = { ssm = "/relay/keyed/api-key" } }
          }
        }
        steps = [
          { name = "order", connection = "store", path = "/orders/{event.data.id}" },
          {
            name              = "products"
            connection        = "store"
            path              = "/orders/{event.data.id}/products"
            when              = "= event.data.id > 0"
            pick              = "=$.{ 'sku': sku, 'qty': quantity }"
            cache_ttl_seconds = 300
          },
          {
            name       = "details"
            connection = "woo"
            path       = "/products/{params.pid}"
            params     = { pid = "item.product_id", gid = "='gid://' & item.product_id" }
            for_each   = { items = "products", concurrency = 3 }
          },
          {
            name       = "all"
            connection = "keyed"
            path       = "/items"
            paginate   = { next = "cursor", items = "data", has_more_path = "has_more", cursor_param = "starting_after", cursor_path = "id", max_pages = 5 }
          },
          {
            name       = "gql"
            connection = "keyed"
            method     = "POST"
            path       = "/graphql"
            body       = "{\"query\":\"{ shop { name } }\",\"variables\":{\"id\":{\"expr\":\"event.data.id\"}}}"
          },
        ]
      }
    }
  }
}

run "renders_the_hydration_section" {
  command = plan

  assert {
    condition     = jsondecode(output.config_document).sources.bc.hydration.steps[1].when == { expr = "event.data.id > 0" }
    error_message = "A leading = renders as { expr } with the text after it, trimmed."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.bc.hydration.steps[0].when == null && jsondecode(output.config_document).sources.bc.hydration.steps[1].pick == { expr = "$.{ 'sku': sku, 'qty': quantity }" }
    error_message = "Unset value specs render as null; pick renders as { expr }."
  }

  assert {
    condition = jsondecode(output.config_document).sources.bc.hydration.steps[2].params == {
      pid = "item.product_id"
      gid = { expr = "'gid://' & item.product_id" }
    }
    error_message = "params: a dot path stays a string, an = value becomes { expr }."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.bc.hydration.steps[2].for_each.items == "products" && jsondecode(output.config_document).sources.bc.hydration.steps[2].for_each.concurrency == 3
    error_message = "for_each renders with its items as a value spec."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.bc.hydration.steps[4].body == { query = "{ shop { name } }", variables = { id = { expr = "event.data.id" } } }
    error_message = "body is JSON text in Terraform and JSON in the document."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.bc.hydration.connections.store.params == { store_hash = { expr = "$substringAfter(meta.producer, 'stores/')" } } && jsondecode(output.config_document).sources.bc.hydration.connections.woo.params == null
    error_message = "A connection's params render as value specs."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.bc.hydration.connections.keyed.auth.param == "api_key" && jsondecode(output.config_document).sources.bc.hydration.base_url == null
    error_message = "connections render as given."
  }

  assert {
    condition = toset([for r in local.secret_refs.hydrate : coalesce(r.ssm, r.secrets_manager)]) == toset([
      "/relay/bc/token", "/relay/woo/key", "/relay/keyed/api-key",
      "arn:aws:secretsmanager:us-east-2:123456789012:secret:relay/woo-secret",
    ])
    error_message = "hydrate reads every connection's secret, user_secret and password, and nothing else."
  }
}

run "both_base_url_and_connections" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", connections = { x = { base_url = "https://a.test" } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "step_names_an_unknown_connection" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { connections = { x = { base_url = "https://a.test" }, y = { base_url = "https://b.test" } }, steps = [{ name = "a", path = "/a", connection = "z" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "step_without_connection_among_several" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { connections = { x = { base_url = "https://a.test" }, y = { base_url = "https://b.test" } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "host_placeholder_needs_a_fixed_domain" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://{meta.host}/admin", steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

# {meta.tenant}.com would let the webhook choose the domain that gets the credential (attacker.com).
run "host_placeholder_cannot_choose_the_domain" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://{meta.tenant}.com/api", steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "host_placeholder_is_a_whole_label" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://shop-{meta.id}.example.com", steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "host_placeholder_under_a_registrable_domain_plans" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://{meta.shop}.myshopify.com/admin", steps = [{ name = "a", path = "/a" }] } }
    }
  }
}

run "connection_base_url_must_be_https" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { connections = { x = { base_url = "http://{meta.shop}.example.com" } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "basic_auth_needs_a_password" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", auth = { kind = "basic", user = "u" }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "query_auth_takes_no_header" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", auth = { kind = "query", param = "k", header = "x", secret = { ssm = "/k" } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "unknown_auth_kind" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", auth = { kind = "oauth", secret = { ssm = "/k" } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "connection_secret_reference_format" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { connections = { x = { base_url = "https://a.test", auth = { kind = "bearer", secret = { secrets_manager = "not-an-arn" } } } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "body_needs_post_and_json" {
  command = plan
  variables {
    sources = {
      a = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", body = "{}" }] } }
      b = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", method = "POST", body = "{not json" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "value_specs_are_paths_or_expressions" {
  command = plan
  variables {
    sources = {
      a = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", when = "=  " }] } }
      b = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", pick = "data..x" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "for_each_concurrency_in_range" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a/{item}", for_each = { items = "event.ids", concurrency = 11 } }] } }
    }
  }
  expect_failures = [var.sources]
}

run "cursor_pagination_needs_its_paths" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", paginate = { next = "cursor", items = "data" } }] } }
    }
  }
  expect_failures = [var.sources]
}

run "pagination_is_for_get_steps" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", method = "POST", paginate = { next = "link_header", max_pages = 60 } }] } }
    }
  }
  expect_failures = [var.sources]
}

run "connection_params_are_value_specs" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { connections = { x = { base_url = "https://a.test/{params.a}", params = { a = "not a path" } } }, steps = [{ name = "a", path = "/a" }] } }
    }
  }
  expect_failures = [var.sources]
}

run "cache_ttl_at_most_an_hour" {
  command = plan
  variables {
    sources = {
      s = { kind = "shopify", secrets = [{ ssm = "/s" }], hydration = { base_url = "https://a.test", steps = [{ name = "a", path = "/a", cache_ttl_seconds = 4000 }] } }
    }
  }
  expect_failures = [var.sources]
}

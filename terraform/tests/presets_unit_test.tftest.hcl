# sources[*].preset: rendered into the configuration document (the functions resolve it when they parse the
# document, functions/shared/config/presets/), with the source's own settings beside it as overrides; expect_failures for
# an unknown preset and for a preset that does not fit the source's kind.

mock_provider "aws" {}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"

  sources = {
    shop = {
      kind    = "shopify"
      preset  = "shopify"
      secrets = [{ ssm = "/relay/shop/secret" }]
    }
    store = {
      kind    = "bigcommerce"
      preset  = "bigcommerce"
      secrets = [{ ssm = "/relay/store/secret" }]
      # Only what the preset cannot know: the store API token. Its base URL and steps are the preset's.
      hydration = {
        connections = {
          store = { auth = { header = "x-auth-token", secret = { ssm = "/relay/store/api-token" } } }
        }
      }
      mapping = {
        events = [{ id = "placed_order", metric = "Order Placed", properties = { Channel = "order.order_source" } }]
      }
    }
  }

  klaviyo = {
    api_key = { ssm = "/relay/klaviyo-api-key" }
  }
}

run "renders_the_preset_and_the_overrides_beside_it" {
  command = plan

  assert {
    condition     = jsondecode(output.config_document).sources.shop.preset == "shopify"
    error_message = "The shop source should name its preset in the document."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.shop.hydration == null
    error_message = "A source that overrides nothing should leave hydration to its preset."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.store.hydration.steps == null
    error_message = "Steps left out should not be rendered: the preset's steps are used."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.store.hydration.connections.store.base_url == null
    error_message = "A connection's base_url left out should not be rendered: the preset's is used."
  }

  assert {
    condition = jsondecode(output.config_document).sources.store.hydration.connections.store.auth == {
      kind = null, header = "x-auth-token", prefix = null, secret = { ssm = "/relay/store/api-token", secrets_manager = null },
      user = null, user_secret = null, password = null, param = null
    }
    error_message = "The store API token reference should be rendered as the connection's auth."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.store.mapping.events[0].id == "placed_order" && jsondecode(output.config_document).sources.store.mapping.events[0].metric == "Order Placed"
    error_message = "An events entry should be rendered with its id, which merges it over the preset's entry."
  }

  assert {
    condition     = contains([for r in local.secret_refs.hydrate : coalesce(r.ssm, r.secrets_manager)], "/relay/store/api-token")
    error_message = "hydrate should be allowed to read the API token a preset's connection override references."
  }
}

run "preset_must_be_known" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", preset = "magento", secrets = [{ ssm = "/relay/shop/secret" }] }
    }
  }

  expect_failures = [var.sources]
}

run "preset_must_fit_the_kind" {
  command = plan

  variables {
    sources = {
      shop = { kind = "stripe", preset = "shopify", secrets = [{ ssm = "/relay/shop/secret" }] }
    }
  }

  expect_failures = [var.sources]
}

run "steps_are_required_without_a_preset" {
  command = plan

  variables {
    sources = {
      shop = {
        kind      = "shopify"
        secrets   = [{ ssm = "/relay/shop/secret" }]
        hydration = { base_url = "https://api.example.com" }
      }
    }
  }

  expect_failures = [var.sources]
}

run "a_connection_base_url_is_required_without_a_preset" {
  command = plan

  variables {
    sources = {
      shop = {
        kind      = "shopify"
        secrets   = [{ ssm = "/relay/shop/secret" }]
        hydration = { connections = { api = {} }, steps = [{ name = "order", path = "/orders/{event.id}" }] }
      }
    }
  }

  expect_failures = [var.sources]
}

run "a_preset_credential_is_required" {
  command = plan

  variables {
    sources = {
      store = { kind = "bigcommerce", preset = "bigcommerce", secrets = [{ ssm = "/relay/store/secret" }] }
    }
  }

  expect_failures = [var.sources]
}

# The mapping section of sources: how value specs render into the configuration document ("=" and a JSONata
# expression → { "expr": "…" }, anything else as it is), and expect_failures for each of its validations.

mock_provider "aws" {}

variables {
  name          = "relay"
  artifacts_dir = "tests/fixtures"

  sources = {
    orders = {
      kind    = "shopify"
      secrets = [{ ssm = "/relay/orders/secret" }]
      mapping = {
        filter         = "= $not(event.test)"
        profile        = { email = ["event.email"], external_id = ["= $string(event.customer.id)"] }
        time           = "event.created_at"
        value_currency = "event.currency"
        backfill       = false
        events = [
          {
            id      = "order"
            metric  = "Placed Order"
            value   = "= $sum(event.line_items.($number(price) * quantity))"
            include = []
            properties = {
              OrderId   = "event.id"
              ItemNames = "= [event.line_items.title]"
            }
            keep  = { Items = "=[event.line_items.{ 'SKU': sku, 'ProductName': title }]" }
            extra = { OrderName = "event.name" }
          },
          {
            id       = "item"
            metric   = "Ordered Product"
            for_each = "event.line_items"
            key      = "item.id"
            value    = "= $number(item.price) * item.quantity"
          },
        ]
        profile_attributes = { first_name = "event.customer.first_name", "properties.items" = "= $count(event.line_items)" }
      }
    }
    plain = {
      kind    = "shopify"
      secrets = [{ ssm = "/relay/plain/secret" }]
      mapping = { metric = "Placed Order", value = "event.total_price", profile = { email = ["customer.email"] } }
    }
  }

  klaviyo = {
    api_key = { ssm = "/relay/klaviyo-api-key" }
  }
}

run "renders_expressions_as_expr_objects_and_paths_as_strings" {
  command = plan

  assert {
    condition     = jsondecode(output.config_document).sources.orders.mapping.filter == { expr = "$not(event.test)" }
    error_message = "A value starting with = must render as { expr } with the = and surrounding space removed."
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.orders.mapping.time == "event.created_at" &&
      jsondecode(output.config_document).sources.orders.mapping.profile.email == ["event.email"] &&
      jsondecode(output.config_document).sources.orders.mapping.profile.external_id == [{ expr = "$string(event.customer.id)" }]
    )
    error_message = "Dot paths must render as strings, expressions in lists as { expr }."
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.orders.mapping.events[0].metric == "Placed Order" &&
      jsondecode(output.config_document).sources.orders.mapping.events[0].value == { expr = "$sum(event.line_items.($number(price) * quantity))" } &&
      jsondecode(output.config_document).sources.orders.mapping.events[0].properties == { OrderId = "event.id", ItemNames = { expr = "[event.line_items.title]" } } &&
      jsondecode(output.config_document).sources.orders.mapping.events[0].keep.Items == { expr = "[event.line_items.{ 'SKU': sku, 'ProductName': title }]" } &&
      jsondecode(output.config_document).sources.orders.mapping.events[0].include == [] &&
      jsondecode(output.config_document).sources.orders.mapping.events[1].for_each == "event.line_items" &&
      jsondecode(output.config_document).sources.orders.mapping.events[1].key == "item.id"
    )
    error_message = "Each events entry must render its metric literally and its value specs as paths or { expr }."
  }

  assert {
    condition     = jsondecode(output.config_document).sources.orders.mapping.profile_attributes == { first_name = "event.customer.first_name", "properties.items" = { expr = "$count(event.line_items)" } }
    error_message = "profile_attributes values must render as paths or { expr }."
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.plain.mapping.metric == "Placed Order" &&
      jsondecode(output.config_document).sources.plain.mapping.value == "event.total_price" &&
      jsondecode(output.config_document).sources.plain.mapping.events == null
    )
    error_message = "A mapping without expressions must render as before."
  }
}

run "renders_the_klaviyo_profile_id" {
  command = plan

  variables {
    sources = {
      system = { kind = "klaviyo", secrets = [{ ssm = "/s" }], mapping = { metric = "Klaviyo System Event" } }
      flow = {
        kind    = "klaviyo-flow"
        secrets = [{ ssm = "/f" }]
        mapping = { profile = { id = ["event.profile_id", "= $string(event.person.id)"] } }
      }
      off = { kind = "klaviyo", secrets = [{ ssm = "/o" }], mapping = { profile = { id = [], email = ["event.email"] } } }
    }
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.system.mapping.profile == { id = null, email = null, phone_number = null, external_id = null, as_of = null } &&
      jsondecode(output.config_document).sources.flow.mapping.profile.id == ["event.profile_id", { expr = "$string(event.person.id)" }] &&
      jsondecode(output.config_document).sources.off.mapping.profile.id == []
    )
    error_message = "profile.id must render like the other identifiers: null when unset (the functions' default applies), paths and { expr } when set, [] as []."
  }
}

run "renders_consent_entries_and_profile_as_of" {
  command = plan

  variables {
    sources = {
      shop = {
        kind    = "shopify"
        secrets = [{ ssm = "/s" }]
        mapping = {
          profile = { email = ["event.email"], as_of = "= event.updated_at" }
          list    = "newsletter"
          subscriptions = [{
            id           = "email"
            channel      = "email"
            when         = "= event.consent.state = 'subscribed'"
            consented_at = "event.consent.updated_at"
            as_of        = "event.consent.updated_at"
            profile      = { email = ["= $lowercase(event.email)"] }
          }]
          unsubscriptions = [{ id = "sms", channel = "sms", list = "Y6nRLr" }]
        }
      }
    }
    klaviyo = {
      api_key = { ssm = "/relay/klaviyo-api-key" }
      lists   = { newsletter = "AbC123" }
    }
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.shop.mapping.profile.as_of == { expr = "event.updated_at" } &&
      jsondecode(output.config_document).sources.shop.mapping.profile.email == ["event.email"] &&
      jsondecode(output.config_document).sources.shop.mapping.list == "newsletter" &&
      jsondecode(output.config_document).sources.shop.mapping.subscriptions[0].when == { expr = "event.consent.state = 'subscribed'" } &&
      jsondecode(output.config_document).sources.shop.mapping.subscriptions[0].consented_at == "event.consent.updated_at" &&
      jsondecode(output.config_document).sources.shop.mapping.subscriptions[0].profile.email == [{ expr = "$lowercase(event.email)" }] &&
      jsondecode(output.config_document).sources.shop.mapping.unsubscriptions[0].list == "Y6nRLr" &&
      jsondecode(output.config_document).klaviyo.lists == { newsletter = "AbC123" }
    )
    error_message = "Consent entries and profile.as_of must render their value specs as paths or { expr }, and klaviyo.lists as given."
  }
}

run "renders_sequence_versions" {
  command = plan

  variables {
    sources = {
      shop = {
        kind    = "shopify"
        secrets = [{ ssm = "/s" }]
        mapping = {
          profile         = { email = ["event.email"], sequence = "event.version" }
          subscriptions   = [{ id = "email", channel = "email", sequence = "= event.consent.version" }]
          unsubscriptions = [{ id = "sms", channel = "sms", sequence = "event.consent.version" }]
        }
      }
    }
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.shop.mapping.profile.sequence == "event.version" &&
      jsondecode(output.config_document).sources.shop.mapping.profile.email == ["event.email"] &&
      jsondecode(output.config_document).sources.shop.mapping.subscriptions[0].sequence == { expr = "event.consent.version" } &&
      jsondecode(output.config_document).sources.shop.mapping.unsubscriptions[0].sequence == "event.consent.version"
    )
    error_message = "profile.sequence and a consent entry's sequence must render as a path or { expr }, like as_of."
  }
}

run "renders_catalog_record_and_back_in_stock_entries" {
  command = plan

  variables {
    sources = {
      shop = {
        kind    = "shopify"
        secrets = [{ ssm = "/s" }]
        mapping = {
          emit = "none"
          catalog = [{
            id          = "product"
            entity      = "item"
            external_id = "= $string(event.id)"
            as_of       = "event.updated_at"
            fields      = { title = "event.title", price = "= $number(event.variants[0].price)" }
          }]
          records = [{
            id          = "ticket"
            data_source = "01JDS"
            record_id   = "= $string(event.id)"
            record      = { status = "event.status", subject = "= $uppercase(event.subject)" }
          }]
          back_in_stock = [{ id = "notify", variant_external_id = "= $string(event.variant_id)", when = "event.wants" }]
        }
      }
    }
  }

  assert {
    condition = (
      jsondecode(output.config_document).sources.shop.mapping.catalog[0].external_id == { expr = "$string(event.id)" } &&
      jsondecode(output.config_document).sources.shop.mapping.catalog[0].as_of == "event.updated_at" &&
      jsondecode(output.config_document).sources.shop.mapping.catalog[0].fields.title == "event.title" &&
      jsondecode(output.config_document).sources.shop.mapping.catalog[0].fields.price == { expr = "$number(event.variants[0].price)" } &&
      jsondecode(output.config_document).sources.shop.mapping.records[0].record_id == { expr = "$string(event.id)" } &&
      jsondecode(output.config_document).sources.shop.mapping.records[0].record.subject == { expr = "$uppercase(event.subject)" } &&
      jsondecode(output.config_document).sources.shop.mapping.records[0].data_source == "01JDS" &&
      jsondecode(output.config_document).sources.shop.mapping.back_in_stock[0].variant_external_id == { expr = "$string(event.variant_id)" } &&
      jsondecode(output.config_document).sources.shop.mapping.back_in_stock[0].when == "event.wants"
    )
    error_message = "Catalog, record and back-in-stock entries must render their value specs as a path or { expr }."
  }
}

run "mapping_consent_entries_have_distinct_ids" {
  command = plan

  variables {
    sources = {
      shop = {
        kind    = "shopify"
        secrets = [{ ssm = "/s" }]
        mapping = { subscriptions = [{ id = "email", channel = "email" }, { id = "email", channel = "sms" }] }
      }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_profile_id_must_be_a_path_or_an_expression" {
  command = plan

  variables {
    sources = {
      system = { kind = "klaviyo", secrets = [{ ssm = "/s" }], mapping = { profile = { id = ["relationships profile id"] } } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_value_must_be_a_path_or_an_expression" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { value = "event total" } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_expression_must_not_be_empty" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { events = [{ for_each = "=  " }] } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_property_names_must_not_start_with_dollar" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { properties = { "$value" = "event.total" } } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_events_exclude_single_event_fields" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { value = "event.total", events = [{ metric = "A" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_event_key_needs_for_each" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { events = [{ metric = "A", key = "item.id" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_event_ids_must_be_distinct" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { events = [{ metric = "A" }, { metric = "B", id = "0" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_events_at_most_10" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { events = [for i in range(11) : { metric = "M${i}", id = "e${i}" }] } }
    }
  }

  expect_failures = [var.sources]
}

run "mapping_metric_expression_must_not_be_empty" {
  command = plan

  variables {
    sources = {
      shop = { kind = "shopify", secrets = [{ ssm = "/s" }], mapping = { metric = "=" } }
    }
  }

  expect_failures = [var.sources]
}

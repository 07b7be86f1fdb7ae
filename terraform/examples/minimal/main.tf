# The smallest useful relay: one Shopify store, secrets referenced by SSM parameter name. Create the two
# SecureString parameters first (aws ssm put-parameter --type SecureString ...). The functions are the
# module's prebuilt zips (terraform/artifacts), so no Node.js or build step is needed.

provider "aws" {
  region = var.region
}

module "relay" {
  source = "../../"

  name = var.name

  sources = {
    # The shopify preset maps orders, checkouts and customers to Klaviyo's e-commerce metrics and profiles. Its
    # refunds/create mapping looks the order up with an Admin API token: add hydration.connections.admin.auth
    # (see docs/presets/shopify.md) before subscribing to that topic.
    shopify = {
      kind    = "shopify"
      preset  = "shopify"
      secrets = [{ ssm = var.shopify_secret_parameter }]
    }
  }

  klaviyo = {
    api_key = { ssm = var.klaviyo_api_key_parameter }
  }
}

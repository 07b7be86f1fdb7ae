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
    shopify = {
      kind       = "shopify"
      secrets    = [{ ssm = var.shopify_secret_parameter }]
      event_type = { header = "x-shopify-topic" }
    }
  }

  klaviyo = {
    api_key = { ssm = var.klaviyo_api_key_parameter }
  }
}

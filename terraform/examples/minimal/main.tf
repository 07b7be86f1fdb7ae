# The smallest useful relay: one Shopify store, secrets referenced by SSM parameter name. Create the two
# SecureString parameters first (aws ssm put-parameter --type SecureString ...) and run `npm run build` at the
# repository root so that dist/*.zip exist.

provider "aws" {
  region = var.region
}

module "relay" {
  source = "../../"

  name          = var.name
  artifacts_dir = "${path.module}/../../../dist"

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

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-2"
}

variable "name" {
  description = "Prefix of every resource name; 1 to 40 letters, digits or hyphens."
  type        = string
  default     = "relay-complete"
}

variable "klaviyo_api_key" {
  description = "Klaviyo private API key stored in the SSM parameter the relay reads; null stores a placeholder to replace out of band (Terraform ignores later changes to the value)."
  type        = string
  default     = null
  sensitive   = true
}

variable "shopify_client_secret" {
  description = "Shopify app client secret stored in SSM; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "shopify_admin_token" {
  description = "Shopify Admin API access token (read_orders) the shopify preset uses to look up a refund's order, stored in SSM; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "stripe_api_key" {
  description = "Stripe API key (a restricted key reading Checkout Sessions, Customers and Products) the stripe preset uses, stored in SSM; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "stripe_signing_secret" {
  description = "Signing secret of the Stripe webhook endpoint (whsec_...) stored in SSM; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "klaviyo_webhook_secret" {
  description = "Secret of the Klaviyo system webhook stored in SSM; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "demo_signing_secret" {
  description = "Signing secret of the demo generic-HMAC source stored in SSM; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "demo_api_token" {
  description = "Bearer token for the demo source's API, stored in Secrets Manager; null stores a placeholder to replace out of band."
  type        = string
  default     = null
  sensitive   = true
}

variable "klaviyo_base_url" {
  description = "Where deliver sends: Klaviyo's API, or a Klaviyo-compatible server (npm run deploy:local points it at the Klaviyo mock)."
  type        = string
  default     = "https://a.klaviyo.com"
}

variable "demo_api_base_url" {
  description = "Base URL of the demo source's API that hydration calls."
  type        = string
  default     = "https://demo-shop.example.com/api"
}

variable "artifacts_dir" {
  description = "Directory with your own ingest.zip, hydrate.zip and deliver.zip (e.g. \"../../../dist\" after npm run build); null deploys the module's prebuilt zips."
  type        = string
  default     = null
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-2"
}

variable "name" {
  description = "Prefix of every resource name; 1 to 40 letters, digits or hyphens."
  type        = string
  default     = "relay-minimal"
}

variable "shopify_secret_parameter" {
  description = "Name of an existing SSM SecureString parameter holding the Shopify app's client secret."
  type        = string
  default     = "/relay-minimal/shopify/client-secret"
}

variable "klaviyo_api_key_parameter" {
  description = "Name of an existing SSM SecureString parameter holding the Klaviyo private API key."
  type        = string
  default     = "/relay-minimal/klaviyo/api-key"
}

variable "name_prefix" {
  description = "Start of the bucket's name, to which S3 appends a unique suffix; lower-cased and cut to 37 characters (the limit of bucket_prefix)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9.-]*$", var.name_prefix))
    error_message = "name_prefix must start with a letter or digit and hold only letters, digits, dots and hyphens."
  }
}

variable "force_destroy" {
  description = "Whether a destroy may delete the bucket while it still holds objects."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for the objects (with an S3 bucket key); null for SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "expiration_rule_id" {
  description = "ID of the lifecycle rule that expires objects, saying what they are (e.g. expire-archived-webhooks)."
  type        = string

  validation {
    condition     = length(var.expiration_rule_id) >= 1 && length(var.expiration_rule_id) <= 255
    error_message = "expiration_rule_id must be 1 to 255 characters."
  }
}

variable "expiration_prefix" {
  description = "Key prefix of the objects the lifecycle rule expires; null for every object in the bucket."
  type        = string
  default     = null
}

variable "expiration_days" {
  description = "Days after its creation that an object expires, a whole number of at least 1."
  type        = number

  validation {
    condition     = var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days
    error_message = "expiration_days must be a whole number of at least 1."
  }
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}

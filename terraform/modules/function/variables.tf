variable "name" {
  description = "Function name, also used for its IAM role and log group; 1 to 64 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Description of the function; up to 256 characters."
  type        = string
  default     = ""

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters."
  }
}

variable "handler" {
  description = "Entry point in the deployment package, as file.export."
  type        = string
  default     = "index.handler"
}

variable "runtime" {
  description = "Lambda runtime identifier; a Node.js runtime from nodejs22.x on."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs(2[2-9]|[3-9][0-9])\\.x$", var.runtime))
    error_message = "runtime must be a Node.js runtime from nodejs22.x on (the bundles target Node 22)."
  }
}

variable "architecture" {
  description = "Instruction set architecture: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB, from 128 to 10240."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds, from 1 to 900."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function: -1 for none (the account's unreserved pool), 0 to disable the function, or a positive limit."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "package" {
  description = "Deployment package: a local zip (filename) or an S3 object (s3_bucket and s3_key, optionally s3_object_version); source_code_hash defaults to filebase64sha256(filename) for a local zip."
  type = object({
    filename          = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  })

  validation {
    condition     = (var.package.filename != null) != (var.package.s3_bucket != null && var.package.s3_key != null)
    error_message = "package must set either filename or both s3_bucket and s3_key, not both (from the root module: set artifacts_dir, or artifacts.<function>)."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function; never put secret values here, only references."
  type        = map(string)
  default     = {}
}

variable "attach_policy" {
  description = "Whether to attach policy_json to the function's role as an inline policy (a separate flag because policy_json is usually unknown until apply)."
  type        = bool
  default     = false
}

variable "policy_json" {
  description = "IAM policy document (JSON) with the permissions the function needs besides writing its own logs; used when attach_policy is true."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the function's logs; one of the values CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for the environment variables and the log group; null for AWS-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "sqs_event_source" {
  description = "SQS queue that triggers the function, or null for none; batch_size 1 to 10000, maximum_batching_window_in_seconds 0 to 300, maximum_concurrency 2 to 1000 or null, and the queue's visibility timeout, which must be at least 6 times the function's timeout."
  type = object({
    queue_arn                          = string
    queue_visibility_timeout_seconds   = number
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
    maximum_concurrency                = optional(number)
    enabled                            = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.sqs_event_source == null ? true : var.sqs_event_source.batch_size >= 1 && var.sqs_event_source.batch_size <= 10000
    error_message = "sqs_event_source.batch_size must be from 1 to 10000."
  }

  validation {
    condition     = var.sqs_event_source == null ? true : var.sqs_event_source.maximum_batching_window_in_seconds >= 0 && var.sqs_event_source.maximum_batching_window_in_seconds <= 300
    error_message = "sqs_event_source.maximum_batching_window_in_seconds must be from 0 to 300."
  }

  validation {
    condition     = var.sqs_event_source == null ? true : var.sqs_event_source.maximum_concurrency == null ? true : var.sqs_event_source.maximum_concurrency >= 2 && var.sqs_event_source.maximum_concurrency <= 1000
    error_message = "sqs_event_source.maximum_concurrency must be null or from 2 to 1000."
  }

  validation {
    condition     = var.sqs_event_source == null ? true : var.sqs_event_source.batch_size <= 10 || var.sqs_event_source.maximum_batching_window_in_seconds >= 1
    error_message = "sqs_event_source.batch_size above 10 needs maximum_batching_window_in_seconds of at least 1."
  }
}

variable "tags" {
  description = "Tags for every resource of the function."
  type        = map(string)
  default     = {}
}

variable "create_alarms" {
  description = "Whether to create the CloudWatch alarms on the function's Errors and Throttles."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs (for example an SNS topic) notified when an alarm goes into ALARM and back to OK; empty for none."
  type        = list(string)
  default     = []
}

variable "errors_alarm_threshold" {
  description = "Errors in five minutes, a whole number >= 0, above which the errors alarm fires."
  type        = number
  default     = 0

  validation {
    condition     = var.errors_alarm_threshold >= 0 && floor(var.errors_alarm_threshold) == var.errors_alarm_threshold
    error_message = "errors_alarm_threshold must be a whole number >= 0."
  }
}

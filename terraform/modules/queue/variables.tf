variable "name" {
  description = "Name of the queue; its dead-letter queue is named <name>-dlq; 1 to 76 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1 to 76 letters, digits, hyphens or underscores (the DLQ adds -dlq within SQS's 80)."
  }
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden, from 0 to 43200 seconds; at least 6 times the consumer's timeout."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 0 to 43200."
  }
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the function that consumes the queue, from 1 to 900 seconds, or null to skip the visibility check."
  type        = number
  default     = null

  validation {
    condition     = var.consumer_timeout_seconds == null ? true : var.consumer_timeout_seconds >= 1 && var.consumer_timeout_seconds <= 900
    error_message = "consumer_timeout_seconds must be null or from 1 to 900."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message, from 60 to 1209600 seconds (14 days); must be shorter than the DLQ's."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be from 60 to 1209600 (14 days)."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message, from 60 to 1209600 seconds (14 days); must be longer than the source queue's, because a message keeps its original enqueue time when it moves to the DLQ."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be from 60 to 1209600 (14 days)."
  }
}

variable "max_message_size" {
  description = "Largest message the queue and its DLQ take, in bytes, from 1024 to 262144 (the ceiling of AWS provider 5.x, which this module supports; the relay stores larger bodies in its payload bucket and sends a claim check)."
  type        = number
  default     = 262144

  validation {
    condition     = var.max_message_size >= 1024 && var.max_message_size <= 262144 && floor(var.max_message_size) == var.max_message_size
    error_message = "max_message_size must be a whole number from 1024 to 262144."
  }
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue, from 1 to 1000 (5 or more recommended so throttling alone does not dead-letter a message)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait of ReceiveMessage, from 0 to 20 seconds."
  type        = number
  default     = 0

  validation {
    condition     = var.receive_wait_time_seconds >= 0 && var.receive_wait_time_seconds <= 20
    error_message = "receive_wait_time_seconds must be from 0 to 20."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for both queues; null for SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again, from 60 to 86400 seconds; used with kms_key_arn."
  type        = number
  default     = 300

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "kms_data_key_reuse_period_seconds must be from 60 to 86400."
  }
}

variable "tags" {
  description = "Tags for both queues."
  type        = map(string)
  default     = {}
}

variable "create_alarms" {
  description = "Whether to create the CloudWatch alarms: DLQ not empty, and oldest message older than oldest_message_age_alarm_seconds."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs (for example an SNS topic) notified when an alarm goes into ALARM and back to OK; empty for none."
  type        = list(string)
  default     = []
}

variable "oldest_message_age_alarm_seconds" {
  description = "Age in seconds, from 60 to 1209600, above which the oldest message of the queue raises an alarm after five minutes."
  type        = number
  default     = 900

  validation {
    condition     = var.oldest_message_age_alarm_seconds >= 60 && var.oldest_message_age_alarm_seconds <= 1209600
    error_message = "oldest_message_age_alarm_seconds must be from 60 to 1209600."
  }
}

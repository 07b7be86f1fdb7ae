output "function_name" {
  description = "Name of the Lambda function."
  value       = try(aws_lambda_function.this.function_name, null)
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = try(aws_lambda_function.this.arn, null)
}

output "invoke_arn" {
  description = "ARN for API Gateway to invoke the function."
  value       = try(aws_lambda_function.this.invoke_arn, null)
}

output "handler" {
  description = "Handler of the function."
  value       = try(aws_lambda_function.this.handler, null)
}

output "runtime" {
  description = "Runtime of the function."
  value       = try(aws_lambda_function.this.runtime, null)
}

output "architectures" {
  description = "Instruction set architectures of the function."
  value       = try(aws_lambda_function.this.architectures, null)
}

output "memory_size" {
  description = "Memory of the function in MB."
  value       = try(aws_lambda_function.this.memory_size, null)
}

output "timeout" {
  description = "Timeout of the function in seconds."
  value       = try(aws_lambda_function.this.timeout, null)
}

output "source_code_hash" {
  description = "Base64 SHA-256 of the deployment package that Terraform compares to decide whether to update the code."
  value       = try(aws_lambda_function.this.source_code_hash, null)
}

output "role_name" {
  description = "Name of the function's IAM role."
  value       = try(aws_iam_role.this.name, null)
}

output "role_arn" {
  description = "ARN of the function's IAM role."
  value       = try(aws_iam_role.this.arn, null)
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = try(aws_cloudwatch_log_group.this.name, null)
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group."
  value       = try(aws_cloudwatch_log_group.this.arn, null)
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS event source mapping, or null when there is none."
  value       = try(aws_lambda_event_source_mapping.this[0].uuid, null)
}

output "event_source_mapping" {
  description = "The SQS event source mapping's settings (queue ARN, response types, batching, maximum concurrency), or null when there is none."
  value = length(aws_lambda_event_source_mapping.this) == 0 ? null : {
    uuid                               = aws_lambda_event_source_mapping.this[0].uuid
    event_source_arn                   = aws_lambda_event_source_mapping.this[0].event_source_arn
    function_response_types            = aws_lambda_event_source_mapping.this[0].function_response_types
    batch_size                         = aws_lambda_event_source_mapping.this[0].batch_size
    maximum_batching_window_in_seconds = aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds
    maximum_concurrency                = one(aws_lambda_event_source_mapping.this[0].scaling_config[*].maximum_concurrency)
  }
}

output "environment_variables" {
  description = "Environment variables of the function (references only, never secret values)."
  value       = one(aws_lambda_function.this.environment[*].variables)
}

output "alarm_arns" {
  description = "ARNs of the function's alarms keyed by errors and throttles; empty when create_alarms is false."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.arn }
}

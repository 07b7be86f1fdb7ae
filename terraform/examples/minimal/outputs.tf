output "webhook_urls" {
  description = "Webhook URL of each source."
  value       = module.relay.webhook_urls
}

output "function_names" {
  description = "Lambda function names."
  value       = module.relay.function_names
}

output "config_parameter_name" {
  description = "SSM parameter holding the configuration document."
  value       = module.relay.config_parameter_name
}

output "config_document" {
  description = "The configuration document the functions read (JSON, secret references only); re-exported so that plans show its changes."
  value       = module.relay.config_document
}

output "relay" {
  description = "The whole module, for the relay CLI: terraform output -json > stack.json, then relay … --stack stack.json."
  value       = module.relay
}

# The account, region and partition the module's data sources report in the terraform test files that need real
# values for ARNs and policies (mock_provider "aws" { source = "./tests/mocks/aws" }).

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/test"
    user_id    = "AIDATEST"
  }
}

mock_data "aws_region" {
  defaults = {
    name = "us-east-2"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

# Hydrate's verdict on the configuration document (config.tf's validation invocation), as a valid document gets it.
mock_resource "aws_lambda_invocation" {
  defaults = {
    result = "{\"valid\":true,\"origin\":\"ssm:/relay/config\",\"message\":\"valid\"}"
  }
}

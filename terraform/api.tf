################################################################################
# HTTP API: POST /webhooks/{source} -> ingest (Lambda proxy, payload format 2.0)
################################################################################

locals {
  route_key = "POST /webhooks/{source}"
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "Receives webhooks for the ${var.name} relay."
  protocol_type = "HTTP"

  tags = merge(var.tags, var.api_tags)
}

resource "aws_apigatewayv2_integration" "ingest" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.function["ingest"].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "webhook" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = local.route_key
  target    = "integrations/${aws_apigatewayv2_integration.ingest.id}"
}

resource "aws_cloudwatch_log_group" "api_access" {
  count = var.api.access_log_retention_days == null ? 0 : 1

  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.api.access_log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, var.api_tags)
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.api.throttling_burst_limit
    throttling_rate_limit  = var.api.throttling_rate_limit
  }

  dynamic "access_log_settings" {
    for_each = aws_cloudwatch_log_group.api_access
    content {
      destination_arn = access_log_settings.value.arn
      format = jsonencode({
        requestId          = "$context.requestId"
        requestTime        = "$context.requestTime"
        sourceIp           = "$context.identity.sourceIp"
        routeKey           = "$context.routeKey"
        path               = "$context.path"
        status             = "$context.status"
        responseLength     = "$context.responseLength"
        integrationStatus  = "$context.integrationStatus"
        integrationLatency = "$context.integrationLatency"
        errorMessage       = "$context.error.message"
      })
    }
  }

  tags = merge(var.tags, var.api_tags)
}

# Only this API, on POST under /webhooks/, may invoke ingest.
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.function["ingest"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/POST/webhooks/*"
}

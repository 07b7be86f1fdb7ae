################################################################################
# Least-privilege runtime policies, one per function (docs/runtime-contract.md). Each function module adds
# only the right to write to its own log group. Written with jsonencode so that plan-level tests can read them.
################################################################################

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"

  # A secret reference as the IAM resource(s) it needs. An SSM reference may be a name (with or without a
  # leading /) or an ARN. A Secrets Manager ARN may be partial (without the 6-character suffix AWS appends),
  # so the suffix wildcard is granted too; it still names exactly one secret.
  ssm_parameter_arn = "${local.arn_prefix}:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter"

  source_secret_refs = flatten([for s in values(var.sources) : s.secrets])
  # Every reference a hydration auth may hold (secret, user_secret, password), in auth or in any connection.
  hydration_secret_refs = flatten([
    for s in values(var.sources) : s.hydration == null ? [] : [
      for a in concat(
        s.hydration.auth == null ? [] : [s.hydration.auth],
        s.hydration.connections == null ? [] : [for c in values(s.hydration.connections) : c.auth if c.auth != null],
      ) : [for r in [a.secret, a.user_secret, a.password] : r if r != null]
    ]
  ])
  klaviyo_secret_refs = [var.klaviyo.api_key]

  secret_refs = {
    ingest  = local.source_secret_refs
    hydrate = local.hydration_secret_refs
    deliver = local.klaviyo_secret_refs
  }

  ssm_resources = {
    for f, refs in local.secret_refs : f => distinct(concat(
      [aws_ssm_parameter.config.arn],
      [
        for r in refs : startswith(r.ssm, "arn:") ? r.ssm : "${local.ssm_parameter_arn}/${trimprefix(r.ssm, "/")}"
        if r.ssm != null
      ],
    ))
  }

  secrets_manager_resources = {
    for f, refs in local.secret_refs : f => distinct(flatten([
      for r in refs : [r.secrets_manager, "${r.secrets_manager}-??????"] if r.secrets_manager != null
    ]))
  }

  deliver_queue_arns = [for q in local.deliver_queue_keys : module.queue[q].queue_arn]
  deliver_dlq_arns   = [for q in local.deliver_queue_keys : module.queue[q].dlq_arn]

  queue_consumer_actions = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
  ]

  kms_statements = var.kms_key_arn == null ? [] : [{
    Sid      = "UseCustomerKey"
    Effect   = "Allow"
    Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource = [var.kms_key_arn]
  }]

  read_config_statements = {
    for f in local.function_names : f => concat(
      [{
        Sid      = "ReadConfigurationAndSecrets"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = local.ssm_resources[f]
        }, {
        # The sources' parts of the document (config.tf). GetParametersByPath is authorized against the path asked
        # for, not the parameters it returns.
        Sid      = "ReadConfigurationSourceParts"
        Effect   = "Allow"
        Action   = ["ssm:GetParametersByPath"]
        Resource = ["${local.ssm_parameter_arn}${local.config_sources_path}"]
      }],
      length(local.secrets_manager_resources[f]) == 0 ? [] : [{
        Sid      = "ReadSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = local.secrets_manager_resources[f]
      }],
    )
  }

  policy_statements = {
    ingest = concat(
      [
        {
          # Claims are conditional puts (with a consistent read before a takeover), confirms are batched
          # writes, releases are deletes: functions/ingest/dedupe-store.ts.
          Sid    = "DedupeDeliveries"
          Effect = "Allow"
          Action = [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
          ]
          Resource = [local.dedupe_table_arn]
        },
        {
          Sid      = "EnqueueForHydration"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = [module.queue["hydrate"].queue_arn]
        },
        {
          # Claim checks: bodies over MAX_MESSAGE_BYTES, under its own prefix (payloads.tf).
          Sid      = "StoreClaimCheckedBodies"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = ["${local.payload_bucket_arn}/ingest/*"]
        },
      ],
      local.read_config_statements.ingest,
      local.kms_statements,
    )
    hydrate = concat(
      [
        {
          Sid      = "ConsumeHydrateQueue"
          Effect   = "Allow"
          Action   = local.queue_consumer_actions
          Resource = [module.queue["hydrate"].queue_arn]
        },
        {
          # Every deliver queue (one per family, queues.tf); the DLQ for dead letters; its own queue for deferrals
          # (a source API's 429 or pacing: re-sent with a delay, the original deleted).
          Sid      = "EnqueueForDeliveryDeadLetterAndDefer"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = concat(local.deliver_queue_arns, [module.queue["hydrate"].dlq_arn, module.queue["hydrate"].queue_arn])
        },
        {
          # Reads what ingest claim-checked, and its own dead letters when SQS redrives them to its queue;
          # stores its own large messages and dead letters under its prefix.
          Sid      = "ReadClaimCheckedBodies"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = ["${local.payload_bucket_arn}/ingest/*", "${local.payload_bucket_arn}/hydrate/*"]
        },
        {
          Sid      = "StoreClaimCheckedBodies"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = ["${local.payload_bucket_arn}/hydrate/*"]
        },
      ],
      # Writes the archive (archive.tf), under its prefix only; it never reads it back (relay replay does).
      local.archive_enabled ? [{
        Sid      = "WriteArchive"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["${local.archive_bucket_arn}/archive/*"]
      }] : [],
      local.read_config_statements.hydrate,
      local.kms_statements,
    )
    deliver = concat(
      [
        {
          # The deliver queue and every family's (queues.tf).
          Sid      = "ConsumeDeliverQueue"
          Effect   = "Allow"
          Action   = local.queue_consumer_actions
          Resource = local.deliver_queue_arns
        },
        {
          # The newest state write per profile and consent channel, and its lease while in flight: conditional
          # updates under STATE# keys (functions/deliver/state-versions.ts, state-leases.ts).
          Sid      = "OrderProfileWrites"
          Effect   = "Allow"
          Action   = ["dynamodb:UpdateItem"]
          Resource = [local.dedupe_table_arn]
        },
        {
          # The DLQs for dead letters; the queues for deferrals (re-sent with a delay, the original deleted): each
          # record's to the pair of the queue it came from.
          Sid      = "DeadLetterAndDefer"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = concat(local.deliver_dlq_arns, local.deliver_queue_arns)
        },
        {
          # Reads what hydrate claim-checked, and its own dead letters when SQS redrives them to its queue;
          # stores dead letters too large for the DLQ under its prefix.
          Sid      = "ReadClaimCheckedBodies"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = ["${local.payload_bucket_arn}/hydrate/*", "${local.payload_bucket_arn}/deliver/*"]
        },
        {
          Sid      = "StoreClaimCheckedBodies"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = ["${local.payload_bucket_arn}/deliver/*"]
        },
      ],
      local.read_config_statements.deliver,
      local.kms_statements,
    )
  }

  policy_json = {
    for f, statements in local.policy_statements : f => jsonencode({
      Version   = "2012-10-17"
      Statement = statements
    })
  }
}

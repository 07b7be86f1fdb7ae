// The AWS actions each function's own code calls, found in its tree-shaken bundle (so code a function imports
// but never runs does not count), so that a test can hold the Terraform runtime policies to them: a new SDK
// command without its IAM action fails in CI, not in production.
import { build } from 'esbuild';
import { repoRoot } from './tools.ts';

export type RelayFunction = 'ingest' | 'hydrate' | 'deliver';

// SDK command → the IAM action it needs. A command missing here fails the test, so that whoever adds a call
// also decides which permission it takes.
const ACTION_OF_COMMAND: Readonly<Record<string, string>> = {
  GetItemCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  SendMessageCommand: 'sqs:SendMessage',
  SendMessageBatchCommand: 'sqs:SendMessage',
  ChangeMessageVisibilityCommand: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatchCommand: 'sqs:ChangeMessageVisibility',
  DeleteMessageCommand: 'sqs:DeleteMessage',
  DeleteMessageBatchCommand: 'sqs:DeleteMessage',
  GetParameterCommand: 'ssm:GetParameter',
  // The sources' parts of the configuration document (config/loader.ts's readSsmDocument).
  GetParametersByPathCommand: 'ssm:GetParametersByPath',
  GetSecretValueCommand: 'secretsmanager:GetSecretValue',
  // The claim check's payload bucket (functions/shared/stage/claim-check.ts).
  PutObjectCommand: 's3:PutObject',
  GetObjectCommand: 's3:GetObject',
};

// What this does not see: calls made through the aggregated clients (`new DynamoDB().putItem()`, which the
// project does not use) and calls that libraries make; those are listed here by hand, and which resources an
// action is granted on is for the terraform tests. Calls made for the function by libraries or by Lambda:
// the configuration and secrets are read through Powertools Parameters (functions/shared/secrets.ts,
// config/loader.ts), and an SQS event source mapping receives and deletes with the function's role.
const CALLS_BESIDE_CODE: Readonly<Record<RelayFunction, readonly string[]>> = {
  ingest: ['ssm:GetParameter', 'ssm:GetParametersByPath'],
  hydrate: [
    'ssm:GetParameter',
    'ssm:GetParametersByPath',
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  ],
  deliver: [
    'ssm:GetParameter',
    'ssm:GetParametersByPath',
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  ],
};

/** The function's own code as bundled (tree-shaken; packages left as imports, so only our calls remain). */
async function bundledCode(fn: RelayFunction): Promise<string> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [`functions/${fn}/handler.ts`],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    treeShaking: true,
    packages: 'external',
    logLevel: 'silent',
  });
  return result.outputFiles.map((file) => file.text).join('\n');
}

export interface CodeActions {
  /** IAM actions the function needs. */
  readonly actions: ReadonlySet<string>;
  /** SDK commands found in the code that ACTION_OF_COMMAND does not know. */
  readonly unknownCommands: readonly string[];
}

export async function actionsCalledBy(fn: RelayFunction): Promise<CodeActions> {
  const actions = new Set(CALLS_BESIDE_CODE[fn]);
  const unknownCommands: string[] = [];
  const code = await bundledCode(fn);
  // esbuild may rename a class it has to disambiguate (PutItemCommand2); the digits are not part of the name.
  for (const match of code.matchAll(/new\s+([A-Z][A-Za-z0-9]*?Command)\d*\s*\(/g)) {
    const command = match[1] ?? '';
    const action = ACTION_OF_COMMAND[command];
    if (action === undefined) unknownCommands.push(command);
    else actions.add(action);
  }
  return { actions, unknownCommands };
}

// The options every command that reaches a relay takes: a stack file, or flags for what it would name — each queue
// by its key, hydrate's and deliver's own by name as before (operations/relay-stack.ts reads them into a RelayStack).
import type { Command } from 'commander';
import { LOCAL_STACK_FILE } from '../operations/stack-file.ts';

/** Adds the options every command that reaches a relay takes. */
export function withStackOptions(command: Command): Command {
  return command
    .option(
      '--stack <file>',
      `outputs of the module (terraform output -json); default: local mode's ${LOCAL_STACK_FILE}`,
    )
    .option('--region <region>', 'AWS region (default: the standard chain, e.g. AWS_REGION)')
    .option('--hydrate-queue-url <url>', 'the hydrate queue, instead of --stack')
    .option('--hydrate-dlq-url <url>', 'the hydrate DLQ, instead of --stack')
    .option('--deliver-queue-url <url>', "the deliver stage's events queue (key deliver), instead of --stack")
    .option('--deliver-dlq-url <url>', "the deliver stage's events queue's DLQ, instead of --stack")
    .option(
      '--queue-url <key=url...>',
      'any queue by its key, instead of --stack (e.g. deliver-consent=https://sqs…)',
    )
    .option('--dlq-url <key=url...>', "any queue's DLQ by the queue's key, instead of --stack")
    .option('--table <name>', 'the dedupe table, instead of --stack');
}

// `send <source> <file>`: signs a sample the way the source's sender does and POSTs it to the relay — local
// mode or a deployment (operations/send-sample.ts does the work; `npm run send` shares it).
import type { Command } from 'commander';
import { sendSample, type SendOptions } from '../../operations/send-sample.ts';
import { withStackOptions } from '../stack-options.ts';

export function registerSendCommand(program: Command): void {
  withStackOptions(program.command('send'))
    .description("Sign a sample the way the source's sender does and POST it to the relay.")
    .argument('<source>', 'the source name (the {source} path segment)')
    .argument('<file>', 'the webhook body to send')
    .option(
      '--url <url>',
      "the API endpoint, or a source's webhook URL (module outputs); default: the stack's",
    )
    .option(
      '--config <file>',
      'configuration document to read the source from (default: the stack’s, else config/local.json)',
    )
    .option('--secret <value>', 'the signing secret (default: the source’s own secret reference)')
    .option('--secret-env <name>', 'an environment variable that holds the signing secret')
    .option('--delivery-id <id>', 'the delivery id to sign (default: a new one)')
    .option('--event-type <type>', 'the event type (topic) to sign, where the scheme carries one')
    .option('--json', 'print JSON')
    .action(async (source: string, file: string, options: SendOptions & { json?: boolean }) => {
      const sent = await sendSample(source, file, options);
      if (options.json) console.log(JSON.stringify(sent, null, 2));
      else {
        console.log(`source ${source} from ${sent.config}`);
        console.log(`POST ${sent.url} → ${sent.status}`);
        console.log(sent.body);
      }
      if (sent.status >= 300) process.exitCode = 1;
    });
}

// `npm run send -- <source> <file> [--url URL] [--delivery-id ID] [--event-type TYPE] [--config FILE] [--stack FILE]`
// Signs a JSON file the way the source's sender does and POSTs it to local mode: `relay send` with local mode's
// defaults (cli/commands/send.ts) — the running relay's configuration and URL from .local/stack.json, else
// RELAY_CONFIG or config/local.json. It names the configuration it read.
import { parseEntryArgs } from '../operations/entry-args.ts';
import { sendSample } from '../operations/send-sample.ts';
import { LOCAL_STACK_FILE } from '../operations/stack-file.ts';

const { values, positionals } = parseEntryArgs(
  {
    command: 'npm run send --',
    synopsis: '<source> <file.json>',
    description:
      "Signs a webhook body the way the source's sender does and POSTs it to the relay `npm start` runs,\n" +
      `with the source's settings from the running configuration (${LOCAL_STACK_FILE}).`,
    options: {
      url: 'the relay URL (default: the running relay’s, else http://127.0.0.1:PORT)',
      'delivery-id': 'the delivery id to sign (default: a new one)',
      'event-type': 'the event type (topic) to sign, where the scheme carries one',
      config: `read the source from this configuration (default: ${LOCAL_STACK_FILE}'s, else RELAY_CONFIG, else config/local.json)`,
      stack: `the stack file (default: ${LOCAL_STACK_FILE})`,
    },
  },
  {
    url: { type: 'string' },
    'delivery-id': { type: 'string' },
    'event-type': { type: 'string' },
    config: { type: 'string' },
    stack: { type: 'string' },
  },
  { allowPositionals: true },
);
const [sourceName, file] = positionals;
if (!sourceName || !file) {
  console.error(
    'usage: npm run send -- <source> <file.json> [--url URL] [--delivery-id ID] [--event-type TYPE] (--help for more)',
  );
  process.exit(2);
}
try {
  const sent = await sendSample(sourceName, file, {
    ...(values.config && { config: values.config }),
    ...(values.stack && { stack: values.stack }),
    ...(values.url && { url: values.url }),
    ...(values['delivery-id'] && { deliveryId: values['delivery-id'] }),
    ...(values['event-type'] && { eventType: values['event-type'] }),
  });
  console.log(`source ${sourceName} from ${sent.config}`);
  console.log(`POST ${sent.url} → ${sent.status}`);
  console.log(sent.body);
  process.exitCode = sent.status < 300 ? 0 : 1;
} catch (error) {
  console.error(`npm run send: ${(error as Error).message}`);
  process.exitCode = 1;
}

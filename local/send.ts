// `npm run send -- <source> <file> [--url http://127.0.0.1:3000] [--delivery-id ID] [--event-type TYPE]`
// Signs a JSON file the way the source's sender does and POSTs it to local mode: `relay send` with local mode's
// defaults (cli/commands/send.ts).
import { parseArgs } from 'node:util';
import { sendSample } from '../operations/send-sample.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    'delivery-id': { type: 'string' },
    'event-type': { type: 'string' },
    config: { type: 'string', default: process.env.RELAY_CONFIG ?? 'config/local.json' },
  },
});
const [sourceName, file] = positionals;
if (!sourceName || !file) {
  console.error(
    'usage: npm run send -- <source> <file.json> [--url URL] [--delivery-id ID] [--event-type TYPE]',
  );
  process.exit(2);
}
try {
  const sent = await sendSample(sourceName, file, {
    config: values.config,
    ...(values.url && { url: values.url }),
    ...(values['delivery-id'] && { deliveryId: values['delivery-id'] }),
    ...(values['event-type'] && { eventType: values['event-type'] }),
  });
  console.log(`POST ${sent.url} → ${sent.status}`);
  console.log(sent.body);
  process.exitCode = sent.status < 300 ? 0 : 1;
} catch (error) {
  console.error(`npm run send: ${(error as Error).message}`);
  process.exitCode = 1;
}

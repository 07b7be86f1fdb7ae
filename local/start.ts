// `npm start`: runs the whole relay locally and tells you where to send webhooks.
//   KLAVIYO_API_KEY set      → events go to the real Klaviyo API (or KLAVIYO_BASE_URL if set too);
//   KLAVIYO_BASE_URL only    → to that Klaviyo-compatible server;
//   neither                  → to the built-in Klaviyo mock, which checks and lists what it receives.
// That is, when the configuration's klaviyo.base_url is "${KLAVIYO_BASE_URL}" (config/local.json's is): the
// configuration decides in the end, and the banner says where events really go (./klaviyo-destination.ts).
// --port / PORT (default 3000) is the webhook port, the mock and the demo API next to it (./local-ports.ts); --config / RELAY_CONFIG (default config/local.json) the
// configuration.
import path from 'node:path';
import { ConfigError, DEFAULT_KLAVIYO_BASE_URL } from '../functions/shared/config/relay-config.ts';
import { describeKlaviyoDestination, NO_KLAVIYO_KEY } from './klaviyo-destination.ts';
import { localPorts } from './local-ports.ts';
import { teeLogLines } from './log-tee.ts';
import { parseEntryArgs } from '../operations/entry-args.ts';
import { LOCAL_LOG_FILE, LOCAL_STACK_FILE, writeStackFile } from '../operations/stack-file.ts';
import { sendSuggestion } from './send-suggestion.ts';
import { localStackOutputs } from './stack-outputs.ts';
import { startLocalStack, type LocalStackOptions } from './stack.ts';

// EMF metric lines are for CloudWatch; locally they would drown the logs.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

// Every webhook hydrate receives is archived here, as the module's archive bucket holds them (relay replay).
const { values: flags } = parseEntryArgs(
  {
    command: 'npm start --',
    description:
      'Runs the whole relay locally (ingest, hydrate, deliver, the queues, the Klaviyo mock unless KLAVIYO_API_KEY\n' +
      'or KLAVIYO_BASE_URL is set) and writes .local/stack.json for `npm run send` and `npm run relay`.',
    options: {
      config: 'the configuration (default: RELAY_CONFIG, else config/local.json)',
      port: 'the webhook port, 0 for free ones (default: PORT, else 3000; the mock and demo API take the next two)',
    },
  },
  { config: { type: 'string' }, port: { type: 'string' } },
);
const ports = (() => {
  try {
    return localPorts(flags.port, process.env);
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const options: LocalStackOptions = {
  port: ports.webhook,
  demoApiPort: ports.demoApi,
  archiveDir: process.env.RELAY_ARCHIVE_DIR ?? path.join('.local', 'archive'),
};
const configFile = flags.config ?? process.env.RELAY_CONFIG;
if (configFile) options.configFile = path.resolve(configFile);
if (process.env.KLAVIYO_API_KEY || process.env.KLAVIYO_BASE_URL) {
  options.klaviyo = {
    baseUrl: process.env.KLAVIYO_BASE_URL ?? DEFAULT_KLAVIYO_BASE_URL,
    apiKey: process.env.KLAVIYO_API_KEY ?? NO_KLAVIYO_KEY,
  };
} else {
  options.klaviyoMock = { log: (line) => console.log(line), port: ports.klaviyoMock };
}

// Before the handlers start: `relay trace` reads their log lines from this file (emptied for each run).
const stopLogTee = await teeLogLines(LOCAL_LOG_FILE);
const stack = await startLocalStack(options).catch((error: unknown) => {
  // A configuration the relay cannot run with (an unset placeholder or secret variable, a schema error):
  // say what to fix and stop, rather than serve webhooks that would all fail.
  if (error instanceof ConfigError) {
    console.error(`npm start: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
// The relay CLI (npm run relay -- dlq list hydrate, trace, …) finds local mode through this file.
const removeStackFile = await writeStackFile(
  LOCAL_STACK_FILE,
  localStackOutputs(stack, stack.apiEndpoint, LOCAL_LOG_FILE),
);
const sources = Object.keys(stack.config.sources);
const suggestion = sendSuggestion(stack.config);
const generated = Object.entries(stack.generatedSecrets);
// The committed development secrets would let anyone sign webhooks that reach a real account.
const signWith =
  generated.length === 0
    ? ''
    : `Webhook secrets for this run (random: events leave this machine; set them yourself to keep them):

${generated.map(([name, value]) => `  export ${name}=${value}`).join('\n')}

In the other terminal, export them before npm run send.

`;
console.log(`
klaviyo-webhook-relay is running locally.

  Webhooks:      ${sources.map((s) => `POST ${stack.webhookUrl(s)}`).join('\n                 ')}
  Klaviyo:       ${describeKlaviyoDestination(stack.klaviyoDestination)}
  Demo API:      ${stack.demoApiUrl} (customers and addresses for hydration)
  Status:        GET ${stack.statusUrl} (queues, DLQs by reason, counters)
  Console:       npm run relay -- console   (in a browser, on 127.0.0.1 with a token it prints)

${signWith}${suggestion.intro} (in another terminal; it reads this configuration from ${LOCAL_STACK_FILE}):

  npm run send -- ${suggestion.source} ${suggestion.file}

Operate it like a deployment (the CLI reads ${LOCAL_STACK_FILE}):

  npm run relay -- dlq list hydrate
  npm run relay -- trace ${suggestion.source} <delivery id>     (log lines: ${LOCAL_LOG_FILE})

Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    void removeStackFile()
      .then(() => stack.stop())
      .then(() => stopLogTee())
      .then(() => process.exit(0));
  });
}

// Which relay a command talks to: a deployment, named by the module's outputs (`terraform output -json >
// stack.json`, then `--stack stack.json`), flags for the queue URLs and table (cli/stack-options.ts), or local
// mode, which writes the same outputs to .local/stack.json while `npm start` runs (the default). Its queues are keyed
// by queue key, as the outputs are (operations/relay-queues.ts says which stage each belongs to). AWS clients use
// the standard credential chain and region; against local mode, the emulators' endpoints with static credentials.
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_STACK_FILE } from './stack-file.ts';
import { isPlainObject } from '../functions/shared/json/is-plain-object.ts';

export type Stage = 'hydrate' | 'deliver';
export const STAGES: readonly Stage[] = ['hydrate', 'deliver'];

export interface RelayStack {
  /** Where it came from, for messages: the file or "flags". */
  origin: string;
  /** Each queue's URL by queue key (`hydrate`, `deliver`, `deliver-consent`, …): the `queue_urls` output's keys. */
  queueUrls: Partial<Record<string, string>>;
  /** Each queue's DLQ URL by queue key: the `dlq_urls` output's keys. */
  dlqUrls: Partial<Record<string, string>>;
  dedupeTableName?: string;
  apiEndpoint?: string;
  webhookBaseUrl?: string;
  logGroupNames?: Partial<Record<'ingest' | Stage, string>>;
  /** Local mode's copy of the handlers' log lines (JSON lines), where a deployment has log groups. */
  localLogFile?: string;
  configParameterName?: string;
  /** The archive bucket (`archive_bucket_name`), or local mode's archive folder (`local_archive_dir`). */
  archiveBucketName?: string;
  archiveDir?: string;
  /** The claim check's payload bucket (`payload_bucket_name`). */
  payloadBucketName?: string;
  /** The deployed configuration document (the module's `config_document` output), when the stack file has it. */
  configDocument?: string;
  /** Local mode's stack file (it names the emulators' endpoints). */
  local?: boolean;
  sqs: SQSClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
}

export interface StackOptions {
  stack?: string;
  region?: string;
  hydrateQueueUrl?: string;
  hydrateDlqUrl?: string;
  deliverQueueUrl?: string;
  deliverDlqUrl?: string;
  /** `<queue key>=<url>` each, for any queue (`deliver-consent=https://…`). */
  queueUrl?: string[];
  dlqUrl?: string[];
  table?: string;
}

type Outputs = Record<string, { value?: unknown } | undefined>;

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
function asRecord<K extends string>(value: unknown): Partial<Record<K, string>> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Partial<
    Record<K, string>
  >;
}

/** `--queue-url deliver-consent=<url>` flags as a map of queue key → URL. */
function urlsOfFlags(flags: readonly string[] | undefined, flag: string): Record<string, string> {
  return Object.fromEntries(
    (flags ?? []).map((text) => {
      const equals = text.indexOf('=');
      const [key, url] = [text.slice(0, equals), text.slice(equals + 1)];
      if (equals <= 0 || url === '')
        throw new Error(`${flag} takes <queue key>=<url> (e.g. deliver-consent=https://…), not ${text}`);
      return [key, url];
    }),
  );
}

/** An output as `terraform output -json` prints it: `{ "value": …, "type": …, "sensitive": … }`. */
const isWrapped = (entry: unknown): entry is { value?: unknown } =>
  entry !== null && typeof entry === 'object' && 'value' in entry;

/**
 * The module's outputs from a stack file, which may hold them as a root module re-exports them one by one
 * (`terraform output -json`, as examples/complete does), inside one root output that is the whole module
 * (`output "relay" { value = module.relay }`, then `terraform output -json`), or as that one output printed
 * alone (`terraform output -json relay`).
 */
export function moduleOutputsOf(document: unknown, file: string): Outputs {
  if (!isPlainObject(document))
    throw new Error(
      `${file} is not an object of outputs: write it with \`terraform output -json > ${file}\``,
    );
  const entries = Object.entries(document);
  if ('queue_urls' in document || entries.length === 0)
    return Object.fromEntries(
      entries.map(([name, entry]) => [name, isWrapped(entry) ? entry : { value: entry }]),
    );
  const wholeModules = entries.filter(
    ([, entry]) =>
      isWrapped(entry) &&
      entry.value !== null &&
      typeof entry.value === 'object' &&
      'queue_urls' in entry.value,
  );
  const [only, ...others] = wholeModules;
  if (only === undefined) return document as Outputs; // no relay outputs: the commands say what is missing
  if (others.length > 0)
    throw new Error(
      `${file} holds several relays (${wholeModules.map(([name]) => name).join(', ')}): write the one you mean with \`terraform output -json <name> > ${file}\``,
    );
  return moduleOutputsOf((only[1] as { value: object }).value, file);
}

async function readOutputs(file: string, explicit: boolean): Promise<Outputs | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the stack file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: write it with \`terraform output -json > ${file}\``, {
      cause: error,
    });
  }
  return moduleOutputsOf(document, file);
}

export async function loadStack(options: StackOptions): Promise<RelayStack> {
  const file = options.stack ?? LOCAL_STACK_FILE;
  const outputs = (await readOutputs(file, options.stack !== undefined)) ?? {};
  const value = (name: string) => outputs[name]?.value;
  const flags = {
    queueUrls: {
      ...urlsOfFlags(options.queueUrl, '--queue-url'),
      ...asRecord<Stage>({ hydrate: options.hydrateQueueUrl, deliver: options.deliverQueueUrl }),
    },
    dlqUrls: {
      ...urlsOfFlags(options.dlqUrl, '--dlq-url'),
      ...asRecord<Stage>({ hydrate: options.hydrateDlqUrl, deliver: options.deliverDlqUrl }),
    },
  };
  const local = asRecord<'sqs' | 's3' | 'dynamodb'>(value('local_endpoints'));
  const region = options.region ?? (local.sqs ? 'us-east-1' : undefined);
  const client = (endpoint: string | undefined) => ({
    ...(region && { region }),
    ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  const stack: RelayStack = {
    origin: Object.keys(outputs).length > 0 ? file : 'flags',
    queueUrls: { ...asRecord(value('queue_urls')), ...flags.queueUrls },
    dlqUrls: { ...asRecord(value('dlq_urls')), ...flags.dlqUrls },
    logGroupNames: asRecord(value('log_group_names')),
    sqs: new SQSClient(client(local.sqs)),
    s3: new S3Client({ ...client(local.s3), forcePathStyle: local.s3 !== undefined }),
    dynamodb: new DynamoDBClient(client(local.dynamodb)),
  };
  const table = options.table ?? asString(value('dedupe_table_name'));
  if (table) stack.dedupeTableName = table;
  const api = asString(value('api_endpoint'));
  if (api) stack.apiEndpoint = api;
  const webhooks = asString(value('webhook_base_url'));
  if (webhooks) stack.webhookBaseUrl = webhooks;
  const parameter = asString(value('config_parameter_name'));
  if (parameter) stack.configParameterName = parameter;
  const archiveBucket = asString(value('archive_bucket_name'));
  if (archiveBucket) stack.archiveBucketName = archiveBucket;
  const archiveDir = asString(value('local_archive_dir'));
  if (archiveDir) stack.archiveDir = archiveDir;
  const payloadBucket = asString(value('payload_bucket_name'));
  if (payloadBucket) stack.payloadBucketName = payloadBucket;
  const logFile = asString(value('local_log_file'));
  if (logFile) stack.localLogFile = logFile;
  const document = asString(value('config_document'));
  if (document) stack.configDocument = document;
  if (local.sqs) stack.local = true;
  return stack;
}

/** The module output that names what each flag stands in for, for the message of a stack file without it. */
const OUTPUT_OF_FLAG: Record<string, string> = {
  '--hydrate-queue-url': 'queue_urls',
  '--deliver-queue-url': 'queue_urls',
  '--hydrate-dlq-url': 'dlq_urls',
  '--deliver-dlq-url': 'dlq_urls',
  '--queue-url': 'queue_urls',
  '--dlq-url': 'dlq_urls',
  '--table': 'dedupe_table_name',
  '--stack (with archive.enabled)': 'archive_bucket_name',
};

/** What a stack file lacks: the module output, and how a root gives every output the CLI reads at once. */
export function missingOutput(file: string, output: string | undefined): string {
  const which = output === undefined ? 'does not name it' : `has no output ${output}`;
  return `${file} ${which}: the root module must export the relay module's outputs — add \`output "relay" { value = module.relay }\`, apply, and write the file again with \`terraform output -json > ${file}\``;
}

/** A stack value a command cannot go without, or an error that says how to give it. */
export function required<T>(value: T | undefined, what: string, flag: string, stack: RelayStack): T {
  if (value !== undefined) return value;
  const where =
    stack.origin === 'flags'
      ? `no stack file (${LOCAL_STACK_FILE} is written while \`npm start\` runs; or pass --stack <terraform output -json file>)`
      : missingOutput(stack.origin, OUTPUT_OF_FLAG[flag.split(' ')[0] ?? flag]);
  throw new Error(`${what} is not known: ${where}; pass ${flag}`);
}

// The child side of scripts/local-aws/lambda-container.ts: a stand-in for Lambda's Node.js runtime in its own
// process. It loads the handler named by _HANDLER from LAMBDA_TASK_ROOT once (the init phase), then serves
// invocations sent over IPC for as long as it lives, like a warm container. It runs under plain Node with type
// stripping, so it imports node: built-ins only: nothing of the repository can leak into what the zip resolves.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export interface InvokeRequest {
  id: number;
  event: unknown;
}

export type RuntimeMessage =
  /** `environment`: the names of the variables the process was started with. */
  | { type: 'ready'; nodeVersion: string; environment: string[] }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack: string;
}

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack ?? '' };
  return { name: 'NonError', message: String(error), stack: '' };
}

function send(message: RuntimeMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error('lambda-runtime.ts must be started with an IPC channel');
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

type Handler = (event: unknown, context: unknown) => unknown;

/** `index.handler` → the export `handler` of index.js, index.mjs or index.cjs, tried in the order Lambda tries them. */
async function loadHandler(taskRoot: string, handlerSetting: string): Promise<Handler> {
  const dot = handlerSetting.lastIndexOf('.');
  if (dot <= 0) throw new Error(`_HANDLER ${handlerSetting} is not <module>.<export>`);
  const moduleName = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs']
    .map((extension) => path.join(taskRoot, moduleName + extension))
    .find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`no ${moduleName}.js, .mjs or .cjs in ${taskRoot}`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} does not export a function ${exportName}`);
  return handler as Handler;
}

/** A fresh context per invocation, built from the variables Lambda sets, with the function's own deadline. */
function invocationContext(timeoutMs: number) {
  const functionName = required('AWS_LAMBDA_FUNCTION_NAME');
  const region = required('AWS_REGION');
  const deadline = Date.now() + timeoutMs;
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is the callback-era API; the relay's handlers are async`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: required('AWS_LAMBDA_FUNCTION_VERSION'),
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: required('AWS_LAMBDA_FUNCTION_MEMORY_SIZE'),
    awsRequestId: randomUUID(),
    logGroupName: required('AWS_LAMBDA_LOG_GROUP_NAME'),
    logStreamName: required('AWS_LAMBDA_LOG_STREAM_NAME'),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

// The function's timeout comes as an argument rather than a variable, so the environment is Lambda's alone.
const timeoutMs = Number(process.argv[2]);
if (!(timeoutMs > 0)) throw new Error('usage: lambda-runtime.ts <timeout ms>');

// Taken before the handler loads: libraries may add variables of their own (Powertools sets AWS_SDK_UA_APP_ID).
const environment = Object.keys(process.env);
const handler = await loadHandler(required('LAMBDA_TASK_ROOT'), required('_HANDLER')).catch(
  async (error: unknown) => {
    await send({ type: 'init-error', error: serialize(error) });
    process.exit(1);
  },
);
await send({ type: 'ready', nodeVersion: process.version, environment });

process.on('message', (request: InvokeRequest) => {
  void (async () => {
    let message: RuntimeMessage;
    try {
      const result = await handler(request.event, invocationContext(timeoutMs));
      // Lambda answers with the JSON text of the result; a round trip gives the caller exactly that.
      message = {
        type: 'result',
        id: request.id,
        ok: true,
        result: JSON.parse(JSON.stringify(result ?? null)),
      };
    } catch (error) {
      message = { type: 'result', id: request.id, ok: false, error: serialize(error) };
    }
    await send(message);
  })();
});

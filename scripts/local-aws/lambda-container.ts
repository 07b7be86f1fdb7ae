// One warm Lambda container for a deployment package: a separate Node process (lambda-runtime.ts) that loads
// the handler once from the unzipped package and serves invocations until stopped. It gets the function's
// configured variables plus those Lambda itself sets, and nothing from this process.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { InvokeRequest, RuntimeMessage, SerializedError } from './lambda-runtime.ts';

const RUNTIME_FILE = fileURLToPath(new URL('./lambda-runtime.ts', import.meta.url));
/** Lambda gives a function's init phase 10 seconds. */
const INIT_TIMEOUT_MS = 10_000;

export interface LambdaContainerOptions {
  /** The unzipped deployment package: Lambda's /var/task. */
  taskRoot: string;
  /** The function's `handler` setting, e.g. `index.handler`. */
  handler: string;
  /** The function's `runtime` setting, e.g. `nodejs22.x`. */
  runtime: string;
  functionName: string;
  region: string;
  memorySize: number;
  timeoutSeconds: number;
  /** What the function's execution role would hand out. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** The function's configured environment variables. */
  environment: Readonly<Record<string, string>>;
}

export interface LambdaContainer {
  /** `process.version` inside the container. */
  nodeVersion: string;
  /** Names of the variables the handler's process sees. */
  environment: readonly string[];
  /** How many invocations this one process has served. */
  readonly invocations: number;
  /** Whether the process has exited (a timeout kills it, as Lambda ends a timed-out container). */
  readonly exited: boolean;
  /** The handler's answer as Lambda would return it (its JSON), or a rejection with the handler's error. */
  invoke(event: unknown): Promise<unknown>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** The variables Lambda sets in every Node.js function's environment (those a handler could read). */
function lambdaEnvironment(options: LambdaContainerOptions): Record<string, string> {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: options.credentials.sessionToken,
    AWS_EXECUTION_ENV: `AWS_Lambda_${options.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    LAMBDA_TASK_ROOT: options.taskRoot,
    _HANDLER: options.handler,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/usr/local/bin:/usr/bin/:/bin',
  };
}

function errorFrom(error: SerializedError, output: string): Error {
  // A stack starts with the name and message already.
  const description = error.stack || `${error.name}: ${error.message}`;
  return new Error(`${description}\n--- container output ---\n${output}`);
}

export async function startLambdaContainer(options: LambdaContainerOptions): Promise<LambdaContainer> {
  const reserved = lambdaEnvironment(options);
  const clash = Object.keys(options.environment).filter((name) => Object.hasOwn(reserved, name));
  // Lambda refuses a configuration that sets one of its own variables.
  if (clash.length > 0)
    throw new Error(`reserved variables in the function's environment: ${clash.join(', ')}`);

  const chunks: string[] = [];
  const output = () => chunks.join('');
  const child: ChildProcess = fork(RUNTIME_FILE, [String(options.timeoutSeconds * 1000)], {
    cwd: options.taskRoot,
    env: { ...options.environment, ...reserved },
    execPath: process.execPath,
    // Not this process's flags (vitest's loaders): Lambda's runtime starts node bare. Type stripping is for
    // lambda-runtime.ts alone (on by default from Node 22.18, a flag before); the .mjs bundle is untouched by it.
    execArgv: ['--experimental-strip-types'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.setEncoding('utf8').on('data', (text: string) => chunks.push(text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => chunks.push(text));

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let exited: Error | undefined;
  let initError: SerializedError | undefined;
  const exit = new Promise<void>((resolve) => {
    // 'close' rather than 'exit': it comes after stdout and stderr are drained, so the output is complete.
    child.once('close', (code, signal) => {
      exited = initError
        ? errorFrom(initError, output())
        : new Error(
            `the container exited (${signal ?? `code ${code}`})\n--- container output ---\n${output()}`,
          );
      for (const { reject } of pending.values()) reject(exited);
      pending.clear();
      resolve();
    });
  });

  const ready = await new Promise<Extract<RuntimeMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the handler did not load within ${INIT_TIMEOUT_MS} ms\n${output()}`));
    }, INIT_TIMEOUT_MS);
    child.on('message', (message: RuntimeMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'init-error') {
        // The process exits next; the error is reported then, with everything it printed.
        initError = message.error;
      } else {
        const entry = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) entry?.resolve(message.result);
        else entry?.reject(errorFrom(message.error, output()));
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(exited ?? new Error('the container exited'));
    });
  });

  let nextId = 0;
  let invocations = 0;
  return {
    nodeVersion: ready.nodeVersion,
    environment: ready.environment,
    get invocations() {
      return invocations;
    },
    get exited() {
      return exited !== undefined;
    },
    invoke(event) {
      if (exited) return Promise.reject(exited);
      const id = ++nextId;
      invocations++;
      const request: InvokeRequest = { id, event };
      return new Promise((resolve, reject) => {
        // Lambda stops a function at its timeout and starts a fresh container for the next invocation.
        const timer = setTimeout(() => {
          reject(new Error(`Task timed out after ${options.timeoutSeconds} seconds\n${output()}`));
          child.kill('SIGKILL');
        }, options.timeoutSeconds * 1000);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send(request);
      });
    },
    output,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}

// Lambda's answer to a container that died (a timeout kills it, so does a crash): the next invocation gets a
// fresh one. Also keeps what every container printed until it is shipped to the log group, across restarts.
import type { LambdaContainer } from './lambda-container.ts';

export interface RestartingContainer {
  /** The container serving now. */
  readonly current: LambdaContainer;
  /** Invokes the current container, or a fresh one when it has exited. */
  invoke(event: unknown): Promise<unknown>;
  /** What the containers printed since the last call (a retired container's rest first). */
  newOutput(): string;
  stop(): Promise<void>;
}

export async function restartingContainer(
  start: () => Promise<LambdaContainer>,
): Promise<RestartingContainer> {
  let current = await start();
  let shipped = 0;
  let retiredOutput = '';
  let starting: Promise<LambdaContainer> | undefined;
  let stopped = false;

  /** The serving container; one restart at a time, however many invocations find the old one gone. */
  async function serving(): Promise<LambdaContainer> {
    if (!current.exited) return current;
    starting ??= (async () => {
      retiredOutput += current.output().slice(shipped);
      shipped = 0;
      current = await start();
      return current;
    })().finally(() => (starting = undefined));
    return starting;
  }

  return {
    get current() {
      return current;
    },
    async invoke(event) {
      if (stopped) throw new Error('the function has been stopped');
      return (await serving()).invoke(event);
    },
    newOutput() {
      const text = current.output();
      const fresh = retiredOutput + text.slice(shipped);
      retiredOutput = '';
      shipped = text.length;
      return fresh;
    },
    async stop() {
      stopped = true;
      await starting?.catch(() => undefined);
      await current.stop();
    },
  };
}

// Mapping is CPU work (JSONata, flattening); hydration is I/O. A batch's records are hydrated side by side, but
// their mappings run one at a time through this lane: interleaved, ten mappings would all finish at the end of
// the ten (each record's latency the batch's), and a record past the invocation's deadline would take the others
// with it. One at a time, each finishes as soon as its own work is done (docs/adr/0022-…-mapping-edges.md).

/** Runs `work` when the lane is free; a record aborted while it waits (out of time) does not start. */
export type MappingLane = <T>(work: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

export function createMappingLane(): MappingLane {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>, signal?: AbortSignal) => {
    const run = tail.then(async () => {
      // JSONata's steps are microtasks: without a turn of the event loop between two mappings, no timer (the
      // stage's deadline for this record) and no I/O callback could run until the whole queue of them was done.
      await new Promise((resolve) => setTimeout(resolve, 0));
      signal?.throwIfAborted();
      return work();
    });
    // The next waits for this one to settle, whether it succeeded or failed.
    tail = run.catch(() => undefined);
    return run;
  };
}

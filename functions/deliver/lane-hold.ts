// The lanes of one deliver batch (deliver-batch.ts: one per Klaviyo endpoint) and what holds the batch open. A batch
// is done, and its poller takes the next, only when every lane is; so a lane waiting for its own endpoint's budget
// holds back the writes to every other endpoint that the next batches carry. Once every other lane is done, the
// last lane's hold is released: a request of it that would still wait for its pacer longer than one interval
// between its endpoint's requests is deferred — back to the queue, placed by its pacer where the budget has room
// (rate-pacer.ts) — instead of holding the batch. A batch of one lane is never released: it has nothing else to hold back, and waits as before.

/** What a waiting request reads: whether its lane is the only one left. */
export interface LaneHold {
  /** Whether every other lane is done. */
  isReleased(): boolean;
  /** Resolves when the hold is released (never, for a batch of one lane). */
  readonly released: Promise<void>;
}

/**
 * Runs each lane with its own hold, all at once, and resolves when all are done. A lane is released when every
 * other lane has settled.
 */
export async function runLanes(lanes: readonly ((hold: LaneHold) => Promise<unknown>)[]): Promise<void> {
  const running = lanes.map((run) => {
    let release = () => {};
    let released = false;
    const hold: LaneHold = {
      isReleased: () => released,
      released: new Promise<void>((resolve) => (release = resolve)),
    };
    return { run, hold, done: false, release: () => ((released = true), release()) };
  });
  await Promise.all(
    running.map(async (lane) => {
      try {
        await lane.run(lane.hold);
      } finally {
        lane.done = true;
        const left = running.filter((other) => !other.done);
        if (running.length > 1 && left.length === 1) left[0]?.release();
      }
    }),
  );
}

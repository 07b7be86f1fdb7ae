// Long runs the console starts (a redrive, a replay) and the pages that show their progress: each run gets an
// id, counts what it has done as the CLI's progress bar would (cli/progress.ts's Progress), and keeps its result
// or its error. Runs live as long as the console process; nothing is written anywhere.
import { randomUUID } from 'node:crypto';
import type { Progress } from '../progress.ts';

export interface JobState {
  id: string;
  /** What it does, e.g. "Redrive 3 deliver dead letters". */
  title: string;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  /** What the run did, in lines (e.g. a redrive's counts), once done. */
  outcome?: string[];
  /** The error's message, once failed. */
  error?: string;
}

export interface Jobs {
  start(title: string, run: (progress: Progress) => Promise<string[]>): JobState;
  get(id: string): JobState | undefined;
}

export function createJobs(newId: () => string = randomUUID): Jobs {
  const jobs = new Map<string, JobState>();
  return {
    start(title, run) {
      const job: JobState = { id: newId(), title, state: 'running', done: 0, total: 0 };
      jobs.set(job.id, job);
      const progress: Progress = {
        increment: (by = 1) => {
          job.done += by;
        },
        setTotal: (total) => {
          job.total = total;
        },
        stop: () => undefined,
      };
      run(progress).then(
        (outcome) => Object.assign(job, { state: 'done', outcome }),
        (error: unknown) =>
          Object.assign(job, {
            state: 'failed',
            error: error instanceof Error ? error.message : String(error),
          }),
      );
      return job;
    },
    get: (id) => jobs.get(id),
  };
}

/** The console's runs: one set per process. */
export const consoleJobs: Jobs = createJobs();

/** A Progress that counts nothing: for reads whose progress no page shows. */
export const NO_PROGRESS: Progress = {
  increment: () => undefined,
  setTotal: () => undefined,
  stop: () => undefined,
};

// A Klaviyo stand-in for Bulk Import Profiles (the mock's operations are another branch's work): it records every
// call, answers a job POST with a job id, the job GET with the next scripted status, and the import errors by
// pages linked with `links.next`; plus SQS-like records and a clock that sleeping advances.
import type { SQSRecord } from 'aws-lambda';
import type { KlaviyoClient, KlaviyoReader } from '../../functions/deliver/klaviyo-client.ts';
import type { ImportError } from '../../functions/deliver/profile-job-read.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import type { ParsedRecord } from '../../functions/shared/stage/stage-options.ts';

export interface FakeCall {
  method: 'GET' | 'POST';
  path: string;
  budget?: string;
  body?: unknown;
}

export interface JobScript {
  /** Status of each look at the job; the last repeats. */
  statuses?: string[];
  failed?: number;
  /** Import errors, a page each. */
  pages?: ImportError[][];
  /** Answers a job POST with this error instead (by job number, from 0). */
  refuse?: (job: number, body: unknown) => Error | undefined;
  /** Answers a profile import with this error. */
  refuseImport?: (body: unknown) => Error | undefined;
}

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status });

export function fakeJobKlaviyo(script: JobScript = {}) {
  const calls: FakeCall[] = [];
  let jobs = 0;
  let looks = 0;
  const klaviyo: KlaviyoClient & KlaviyoReader = {
    post(path, body) {
      calls.push({ method: 'POST', path, body });
      if (path === '/api/profile-bulk-import-jobs') {
        const error = script.refuse?.(jobs, body);
        const id = `JOB${jobs++}`;
        if (error) return Promise.reject(error);
        return Promise.resolve(
          json({ data: { type: 'profile-bulk-import-job', id, attributes: { status: 'queued' } } }, 202),
        );
      }
      const error = path === '/api/profile-import' ? script.refuseImport?.(body) : undefined;
      return error ? Promise.reject(error) : Promise.resolve(new Response(null, { status: 202 }));
    },
    get(path, options) {
      calls.push({ method: 'GET', path, budget: options.budget });
      const url = new URL(path, 'http://klaviyo.test');
      if (url.pathname.endsWith('/import-errors')) {
        const page = Number(url.searchParams.get('page[cursor]') ?? 0);
        const pages = script.pages ?? [];
        const next =
          page + 1 < pages.length ? `${url.origin}${url.pathname}?page[cursor]=${page + 1}` : undefined;
        return Promise.resolve(
          json({
            data: (pages[page] ?? []).map(({ id, ...attributes }, i) => ({
              type: 'import-error',
              id: id ?? `e${page}-${i}`,
              attributes,
            })),
            links: { self: path, ...(next ? { next } : {}) },
          }),
        );
      }
      const statuses = script.statuses ?? ['complete'];
      const status = statuses[Math.min(looks++, statuses.length - 1)];
      return Promise.resolve(
        json({
          data: {
            type: 'profile-bulk-import-job',
            id: url.pathname.split('/').pop(),
            attributes: { status, total_count: 0, failed_count: script.failed ?? 0 },
          },
        }),
      );
    },
  };
  return { klaviyo, calls };
}

/** A clock that only sleeping moves. */
export function fakeClock(start = 1_000_000) {
  const clock = {
    at: start,
    now: () => clock.at,
    sleep: (ms: number) => Promise.resolve(void (clock.at += ms)),
  };
  return clock;
}

const log = createLogger('deliver');

/** Parsed deliver records as the stage hands them over, on their `receiveCount`th receive. */
export function recordsOf(
  messages: readonly DeliverMessage[],
  receiveCount = 1,
): ParsedRecord<DeliverMessage>[] {
  return messages.map((message, i) => ({
    id: `m${i}`,
    message,
    log,
    record: {
      messageId: `m${i}`,
      body: JSON.stringify(message),
      attributes: { ApproximateReceiveCount: String(receiveCount) },
      messageAttributes: {},
    } as unknown as SQSRecord,
  }));
}

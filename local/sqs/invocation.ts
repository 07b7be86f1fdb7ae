// One invocation as Lambda makes it for the event source mapping: no event over the synchronous payload limit
// (a gathered batch is split), and a handler that runs past the function's timeout fails its whole batch.
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** Lambda's synchronous invocation payload limit: a gathered batch larger than this is split. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Splits records so that no invocation's event exceeds Lambda's payload limit. */
export function byPayloadSize(records: SQSRecord[]): SQSRecord[][] {
  const chunks: SQSRecord[][] = [];
  let current: SQSRecord[] = [];
  let size = 0;
  for (const record of records) {
    const recordSize = Buffer.byteLength(JSON.stringify(record));
    if (current.length > 0 && size + recordSize > MAX_PAYLOAD_BYTES) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += recordSize;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Runs the handler under the function's timeout; resolves to its answer or rejects like a failed invocation. */
export async function invokeWithTimeout(
  handler: SqsBatchHandler,
  records: SQSRecord[],
  context: Context,
  timeoutMs: number,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
      timeoutMs,
    );
  });
  try {
    // Lambda would freeze a timed-out invocation; here it runs on unobserved, but its answer is ignored.
    return await Promise.race([handler({ Records: records }, context), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

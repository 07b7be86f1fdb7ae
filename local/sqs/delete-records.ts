// Deleting what an invocation handled, as the event source mapping does: in batches of SQS's maximum, each
// failure reported (the message comes back after its visibility timeout) and never thrown.
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { PollerError } from './poller-error.ts';

/** DeleteMessageBatch takes at most 10 entries. */
const MAX_DELETE = 10;

export async function deleteRecords(
  sqs: SQSClient,
  queueUrl: string,
  records: SQSRecord[],
  report: (error: PollerError) => void,
): Promise<void> {
  for (let start = 0; start < records.length; start += MAX_DELETE) {
    const chunk = records.slice(start, start + MAX_DELETE);
    try {
      const out = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      for (const failure of out.Failed ?? []) {
        const record = chunk[Number(failure.Id)];
        report(
          new PollerError(
            'delete',
            `could not delete message ${record?.messageId ?? failure.Id} (${failure.Code ?? 'error'}); it will be delivered again`,
          ),
        );
      }
    } catch (error) {
      report(
        new PollerError('delete', `could not delete ${chunk.length} messages; they will be delivered again`, {
          cause: error,
        }),
      );
    }
  }
}

// `relay dlq show` and `relay trace` on dead letters that name one of their webhook's writes: a catalog row Klaviyo
// refused in a bulk job (a variant of an item it does not hold) and a custom-object record it refused (a data
// source it does not hold). Both put on the deliver queue as hydrate would, then dead-lettered by deliver against
// the Klaviyo mock; the CLI says which row or record each letter is, with Klaviyo's error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { variantUpsert } from '../helpers/catalog-messages.ts';
import { recordFixture } from '../helpers/record-messages.ts';
import { queueDepth, runRelay } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: LocalStack;
let dir: string;
let stackFile: string;

const variant = variantUpsert('V9', 'NO-ITEM');
const record = recordFixture('t-77', { data_source_id: 'DS404' });

beforeAll(async () => {
  stack = await startLocalStack({ env: {}, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  dir = await mkdtemp(path.join(tmpdir(), 'relay-dlq-writes-'));
  stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint));
  for (const message of [variant, record])
    await stack.aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.aws.deliver.url,
        MessageBody: encodeMessageBody(message),
        // As hydrate sends it: the correlation id an attribute, which the DLQ keeps.
        MessageAttributes: { correlation_id: { DataType: 'String', StringValue: message.correlation_id } },
      }),
    );
  await waitFor(
    'two deliver dead letters',
    async () => (await queueDepth(stack, stack.aws.deliver.dlqUrl)) === 2,
  );
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

const relay = async (...args: string[]) => (await runRelay([...args, '--stack', stackFile])).stdout;

describe('relay dlq show and trace: catalog rows and records', () => {
  it('dlq show names the catalog row and the record, with Klaviyo’s error', { timeout: 60_000 }, async () => {
    const row = await relay('dlq', 'show', 'deliver', variant.correlation_id);
    expect(row).toMatch(/^writes: +catalog variant \$custom:::\$default:::V9 \(upsert\)$/m);
    expect(row).toMatch(
      /^detail: +not_found · The catalog item '\$custom:::\$default:::NO-ITEM' of this variant does not exist\. · at \/data\/attributes\/variants\/data\/0\/relationships\/item\/data\/id$/m,
    );
    expect(row).toMatch(/^ +in \/api\/catalog-variant-bulk-create-jobs \(job .+\)$/m);

    const rec = await relay('dlq', 'show', 'deliver', record.correlation_id);
    expect(rec).toMatch(/^writes: +record t-77 in data source DS404$/m);
    expect(rec).toMatch(/^detail: +invalid · .*DS404.* · at \/data\/relationships\/data-source\/data\/id$/m);
  });

  it('trace names the catalog row and the record under their letters', { timeout: 60_000 }, async () => {
    const [shop, delivery] = variant.correlation_id.split(/:(.*)/s);
    const row = await relay('trace', shop ?? '', delivery ?? '', '--no-logs');
    expect(row).toMatch(
      /reason: klaviyo_catalog_error .*\n +writes: catalog variant \$custom:::\$default:::V9 \(upsert\)\n +detail: not_found · /,
    );
    const rec = await relay('trace', 'zendesk', 't-77', '--no-logs');
    expect(rec).toMatch(
      /reason: klaviyo_400 .*\n +writes: record t-77 in data source DS404\n +detail: invalid · /,
    );
    // Reading took nothing out.
    expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(2);
  });
});

// What must be set aside for the functions to run against moto, and put back before a plan or destroy:
//  - the event source mappings are disabled: moto runs an enabled mapping's function inside SendMessage, which
//    fails without Docker (the runner polls the queues as the mappings would);
//  - the buckets' TLS-only policies are lifted: moto speaks plain HTTP, which they deny (as AWS would).
import {
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface SetAside {
  /** The mappings disabled, by UUID. */
  readonly mappings: readonly string[];
  /** The buckets whose TLS-only policy was lifted. */
  readonly buckets: readonly string[];
  /** Re-enables the mappings and puts the policies back (once; later calls do nothing). */
  restore(): Promise<void>;
}

async function enabledMappings(lambda: LambdaClient): Promise<string[]> {
  const uuids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListEventSourceMappingsCommand({ Marker: marker }));
    for (const m of page.EventSourceMappings ?? [])
      if (m.UUID && m.State !== 'Disabled' && m.State !== 'Disabling') uuids.push(m.UUID);
    marker = page.NextMarker;
  } while (marker);
  return uuids;
}

export async function setAsideForLocalFunctions(clients: {
  lambda: LambdaClient;
  s3: S3Client;
  /** The deployment's buckets (archive, payloads). */
  buckets: readonly string[];
}): Promise<SetAside> {
  const { lambda, s3 } = clients;
  const mappings = await enabledMappings(lambda);
  const policies = new Map<string, string>();
  const restore = async () => {
    for (const [Bucket, Policy] of policies) await s3.send(new PutBucketPolicyCommand({ Bucket, Policy }));
    policies.clear();
    for (const UUID of mappings.splice(0))
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true }));
  };
  const disabled = [...mappings];
  try {
    for (const UUID of mappings)
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false }));
    for (const Bucket of clients.buckets) {
      const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket })).catch((error: unknown) => {
        if ((error as Error).name === 'NoSuchBucketPolicy') return { Policy: undefined };
        throw error;
      });
      if (!Policy?.includes('aws:SecureTransport')) continue;
      policies.set(Bucket, Policy);
      await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    }
  } catch (error) {
    // Leave the deployment as it was found.
    await restore();
    throw error;
  }
  return { mappings: disabled, buckets: [...policies.keys()], restore };
}

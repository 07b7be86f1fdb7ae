// A stand-in for SSM Parameter Store that answers GetParameter and GetParametersByPath (AWS JSON 1.1 protocol),
// enough for the relay's configuration document (a parameter and its sources' parts under `<name>/sources/`,
// docs/runtime-contract.md) and `{ "ssm": name }` secrets. It records each call with the access key that
// signed it, so a test can tell which function read what, and how often.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SsmCall {
  target: string;
  name: string | undefined;
  withDecryption: boolean;
  /** From the SigV4 Authorization header's Credential=<key>/…; undefined when the request was unsigned. */
  accessKeyId: string | undefined;
}

export interface SsmStub {
  /** For AWS_ENDPOINT_URL_SSM. */
  endpoint: string;
  calls: SsmCall[];
  close(): Promise<void>;
}

/** Serves `parameters` (name → value) as SecureString parameters, version 1. */
export async function startSsmStub(parameters: Readonly<Record<string, string>>): Promise<SsmStub> {
  const calls: SsmCall[] = [];
  const parameterOf = (name: string, decrypt: boolean) => {
    const value = parameters[name] ?? '';
    return {
      Name: name,
      Type: 'SecureString',
      // As SSM does, a SecureString read without WithDecryption gives ciphertext, not the value.
      Value: decrypt ? value : Buffer.from(`kms:${value}`).toString('base64'),
      Version: 1,
      DataType: 'text',
      ARN: `arn:aws:ssm:us-east-1:000000000000:parameter/${name.replace(/^\//, '')}`,
    };
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: {
        Name?: unknown;
        Path?: unknown;
        Recursive?: unknown;
        WithDecryption?: unknown;
        MaxResults?: unknown;
        NextToken?: unknown;
      };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof input;
      } catch {
        return answer(400, { __type: 'SerializationException', message: 'request body is not JSON' });
      }
      const name =
        typeof input.Name === 'string' ? input.Name : typeof input.Path === 'string' ? input.Path : undefined;
      calls.push({
        target,
        name,
        withDecryption: input.WithDecryption === true,
        accessKeyId: /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1],
      });
      if (target === 'AmazonSSM.GetParametersByPath') {
        // As SSM does: the parameters under the path (one level unless Recursive), pages of MaxResults (10).
        const prefix = `${(name ?? '').replace(/\/$/, '')}/`;
        const under = Object.keys(parameters)
          .filter(
            (n) =>
              n.startsWith(prefix) && (input.Recursive === true || !n.slice(prefix.length).includes('/')),
          )
          .sort();
        const pageSize = typeof input.MaxResults === 'number' ? input.MaxResults : 10;
        const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
        const page = under.slice(start, start + pageSize);
        return answer(200, {
          Parameters: page.map((n) => parameterOf(n, input.WithDecryption === true)),
          ...(start + pageSize < under.length && { NextToken: String(start + pageSize) }),
        });
      }
      if (target !== 'AmazonSSM.GetParameter') {
        return answer(400, { __type: 'UnknownOperationException', message: `${target} is not stubbed` });
      }
      if (name === undefined || !Object.hasOwn(parameters, name)) {
        return answer(400, { __type: 'ParameterNotFound', message: `Parameter ${name} not found.` });
      }
      answer(200, { Parameter: parameterOf(name, input.WithDecryption === true) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

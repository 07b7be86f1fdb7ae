// `data-source create <title>`: creates a data source (Klaviyo custom objects) in the account the API key names
// and prints its id, which a mapping's `records` writes name (operations/data-sources.ts does the work).
import type { Command } from 'commander';
import { createDataSource, klaviyoAccountFromEnv } from '../../operations/data-sources.ts';

interface CreateOptions {
  description?: string;
  visibility?: 'private' | 'shared';
  apiKeyEnv?: string;
  baseUrl?: string;
  revision?: string;
  json?: boolean;
}

export function registerDataSourceCommands(program: Command): void {
  const dataSource = program
    .command('data-source')
    .description('Klaviyo custom objects: the data sources records are written to.');
  dataSource
    .command('create')
    .description('Create a data source in a Klaviyo account and print its id (for a mapping’s records).')
    .argument('<title>', 'the title, 1–255 characters, unique in its namespace')
    .option('--description <text>', 'what the data source holds')
    .option('--visibility <visibility>', 'private (default) or shared')
    .option('--api-key-env <name>', 'the variable that holds the private API key', 'KLAVIYO_API_KEY')
    .option('--base-url <url>', 'the Klaviyo API (default: $KLAVIYO_BASE_URL, else https://a.klaviyo.com)')
    .option('--revision <date>', 'the Klaviyo API revision (default: the relay’s)')
    .option('--json', 'print the data source as JSON')
    .action(async (title: string, options: CreateOptions) => {
      if (options.visibility !== undefined && !['private', 'shared'].includes(options.visibility))
        throw new Error(`--visibility must be private or shared, not ${options.visibility}`);
      const created = await createDataSource(
        { title, description: options.description, visibility: options.visibility },
        klaviyoAccountFromEnv(options),
      );
      console.log(options.json ? JSON.stringify(created, null, 2) : created.id);
    });
}

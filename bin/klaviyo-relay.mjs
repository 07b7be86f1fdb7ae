#!/usr/bin/env node
// The `klaviyo-relay` command (package.json `bin`): the CLI's TypeScript source run through tsx, as
// `npm run relay` runs it, so the command and the repository never differ.
import { register } from 'tsx/esm/api';

register();
await import('../cli/relay.ts');

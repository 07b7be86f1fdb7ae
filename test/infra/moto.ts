// moto_server for the apply tests: shared with `npm run deploy:local` (scripts/deploy-local.ts).
export { freePort, providerOverride, PROVIDER_SERVICES, startMoto } from '../../scripts/local-aws/moto.ts';
export type { MotoServer } from '../../scripts/local-aws/moto.ts';

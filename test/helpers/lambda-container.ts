// One warm Lambda container for a deployment package: shared with `npm run deploy:local`, which runs the
// deployed functions against moto (scripts/local-aws/).
export { startLambdaContainer } from '../../scripts/local-aws/lambda-container.ts';
export type { LambdaContainer, LambdaContainerOptions } from '../../scripts/local-aws/lambda-container.ts';

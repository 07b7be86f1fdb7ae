// The Klaviyo mock: a Klaviyo-compatible HTTP server on loopback for tests, benchmarks and local mode.
// See README.md beside this file.
export { startKlaviyoMock } from './server.ts';
export { CONTRACT_DIR, loadKlaviyoContract } from './contract.ts';
export type {
  KlaviyoContract,
  OperationContract,
  OperationFile,
  OperationLimits,
  ValidationIssue,
} from './contract.ts';
export type { KlaviyoError, KlaviyoErrorDocument } from './errors.ts';
export type {
  EndpointLimit,
  Fault,
  KlaviyoMock,
  KlaviyoMockOptions,
  KlaviyoOperationId,
  LatencyFault,
  LimitsOption,
  ProfileIdentifiers,
  RecordedEvent,
  RecordedProfile,
  RecordedRequest,
  StatusFault,
} from './types.ts';
export type {
  ConsentChange,
  ConsentChannel,
  ConsentState,
  ImportRowError,
  RecordedConsent,
  RecordedImportJob,
  RecordedImportRow,
  RecordedListMembers,
  UnsubscribeScope,
} from './types-jobs.ts';
export type {
  CatalogEntityName,
  CatalogJobKind,
  CatalogOperationId,
  CatalogRowError,
  RecordedCatalogEntry,
  RecordedCatalogJob,
} from './types-catalog.ts';
export type { RecordedDataSource, RecordedDataSourceRecord } from './types-records.ts';
export type { RecordedBackInStockSubscription } from './types-back-in-stock.ts';

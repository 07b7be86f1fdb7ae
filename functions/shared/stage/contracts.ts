// Versioned messages between the stages. Every producer builds them through these schemas and every
// consumer validates them with the same schemas, so a change of shape is a change of version. One file per family
// in ./contracts/ (the shared trace and scalar fields in fields.ts); this module gathers them, so every stage and
// test imports the messages from one place. Each schema is built on first use (memo, in ../zod.ts), so a stage
// builds only the messages it produces or consumes.
export { flatPropertiesSchema, profileIdentifiersSchema } from './contracts/fields.ts';
export type { FlatProperties, ProfileIdentifiers } from './contracts/fields.ts';
export * from './contracts/webhook.ts';
export * from './contracts/events.ts';
export * from './contracts/profile-state.ts';
export * from './contracts/catalog.ts';
export * from './contracts/records.ts';
export * from './contracts/back-in-stock.ts';
export * from './contracts/deliver-message.ts';
export * from './contracts/wrappers.ts';

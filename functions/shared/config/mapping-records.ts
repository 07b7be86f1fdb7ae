// A mapping's custom-object records (`mapping.records`) and back-in-stock subscriptions (`mapping.back_in_stock`).
// A records entry, for the event types it names and when its condition holds, writes one record — or one per
// element of its `for_each` — to a Klaviyo data source, named by a record id read from the webhook (a ticket's id),
// so a webhook delivered or replayed twice updates one record (docs/adr/0034-custom-object-records.md). The data
// source's id sits on the entry: it belongs to the account the configuration writes to, and a source opts in to
// a preset's records by giving it (docs/mapping.md). A back_in_stock entry subscribes the mapping's profile to a
// catalog variant, named by the variant's external id as the catalog sync wrote it. Entries have ids, so a
// source's own entry can override (or, for a preset's optional records, switch on) its preset's.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { BACK_IN_STOCK_CHANNELS } from '../stage/contracts.ts';
import { valueSpecSchema } from './value-spec.ts';

const entryIdSchema = memo(() => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower_snake_case')));
const eventTypesSchema = memo(() =>
  z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
);

/** Klaviyo's data source ids (ULIDs such as 01JQ2T0V1X9Y8Z7W6V5U4T3S2R), as `relay data-source create` prints them. */
export const DATA_SOURCE_ID_PATTERN = /^[A-Za-z0-9]{1,64}$/;

/** One record write a webhook may make (`mapping.records`). */
export const recordSpecSchema = memo(() =>
  z.strictObject({
    /** Names the entry, so that a source's entry replaces (or switches on) its preset's entry of the same id. */
    id: entryIdSchema(),
    /** The data source the records go to: its id in the Klaviyo account (`relay data-source create` prints it). */
    data_source: z
      .string()
      .check(
        z.regex(DATA_SOURCE_ID_PATTERN, 'a Klaviyo data source id (relay data-source create prints it)'),
        z.describe('The data source id in the Klaviyo account (relay data-source create prints it).'),
      ),
    /** The event types (topics) this entry is for; unset: every one. */
    event_types: eventTypesSchema(),
    /** The entry writes only when this is true (truthy). */
    when: z
      .optional(valueSpecSchema())
      .check(z.describe('The entry writes only when this is true (truthy).')),
    /** One record per element of this list, read as `item` (and `index`). */
    for_each: z.optional(valueSpecSchema()).check(z.describe('One record per element of this list.')),
    /** The record's id: the same for every webhook about the same thing (a ticket's id), so redelivery is harmless. */
    record_id: valueSpecSchema().check(
      z.describe('The record id: the same for every webhook about one thing (e.g. the ticket id).'),
    ),
    /** The record's fields, each a dot path or expression; `id` is the record id and cannot be set here. */
    record: z
      .record(
        z.string().check(
          z.minLength(1),
          z.maxLength(100),
          z.refine((name) => name !== 'id', 'id is the record_id (set record_id instead)'),
        ),
        valueSpecSchema(),
      )
      .check(z.describe("The record's fields by name, each a dot path or expression.")),
  }),
);
export type RecordSpec = z.infer<ReturnType<typeof recordSpecSchema>>;

/**
 * The channels a subscription names: Klaviyo's EMAIL and/or SMS, as written (a webhook that chooses its channel is
 * mapped by two entries, each with its `when`: subscribing twice to one variant is harmless).
 */
const channelsSchema = memo(() =>
  z.array(z.enum(BACK_IN_STOCK_CHANNELS)).check(
    z.minLength(1),
    z.maxLength(2),
    z.refine((channels) => new Set(channels).size === channels.length, 'each channel at most once'),
  ),
);

/** One back-in-stock subscription a webhook may make (`mapping.back_in_stock`): the mapping's profile, a variant. */
export const backInStockSpecSchema = memo(() =>
  z.strictObject({
    id: entryIdSchema(),
    event_types: eventTypesSchema(),
    when: z
      .optional(valueSpecSchema())
      .check(z.describe('The entry subscribes only when this is true (truthy).')),
    /** The catalog variant's external id, as the catalog sync wrote it (`$custom:::$default:::<external id>`). */
    variant_external_id: valueSpecSchema().check(
      z.describe("The catalog variant's external id, as the catalog sync wrote it."),
    ),
    /** EMAIL and/or SMS; default EMAIL. */
    channels: z._default(channelsSchema(), ['EMAIL']).check(z.describe('EMAIL and/or SMS; default EMAIL.')),
  }),
);
export type BackInStockSpec = z.infer<ReturnType<typeof backInStockSpecSchema>>;

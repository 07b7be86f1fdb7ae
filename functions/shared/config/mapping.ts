// The `mapping` section of a source: how a webhook (and what hydration fetched) becomes Klaviyo events, a
// profile upsert (./mapping-profile.ts) and consent writes (./mapping-consent.ts). Every place that reads a value takes a dot path (the fast path) or a JSONata expression
// `{ "expr": "…" }`, compiled when the configuration loads (./value-spec.ts, docs/adr/0015-jsonata-expressions.md).
import { listReferenceSchema } from './klaviyo-lists.ts';
import { catalogSpecSchema } from './mapping-catalog.ts';
import { consentListSchema, subscriptionSpecSchema, unsubscriptionSpecSchema } from './mapping-consent.ts';
import { backInStockSpecSchema, recordSpecSchema } from './mapping-records.ts';
import { profileAttributeKeySchema, profileSpecsSchema } from './mapping-profile.ts';
import { expressionSchema, valueSpecSchema } from './value-spec.ts';
import * as z from '../zod.ts';
import { memo } from '../zod.ts';

/** Events one webhook may become: enough for an order and its line-item events, bounded for the batch's sake. */
export const MAX_EVENT_SPECS = 10;
/** Names in `properties`, `keep` and `extra` (each). */
export const MAX_NAMED_VALUES = 100;

/** `none`: neither event nor profile upsert, only the entries (consent, catalog rows): e.g. a product topic. */
const emitSchema = memo(() => z.enum(['event', 'profile', 'both', 'none']));

const metricNameSchema = memo(() => z.string().check(z.minLength(1), z.maxLength(128)));

/** A metric: a literal name (not a path: `Placed Order`), or `{ "expr": "…" }` giving the name. */
const metricSpecSchema = memo(() => z.union([metricNameSchema(), expressionSchema()]));

/**
 * Named values (`properties`, `keep`, `extra`): at most MAX_NAMED_VALUES names of 1–100 characters. `$`-names are
 * Klaviyo's own (`$extra` is written from `extra`, `$value` from `value`), so a mapping cannot set them by accident.
 */
const namedValuesSchema = memo(() =>
  z.record(z.string(), valueSpecSchema()).check(
    z.superRefine((values, ctx) => {
      const names = Object.keys(values);
      if (names.length > MAX_NAMED_VALUES)
        ctx.issues.push({
          code: 'custom',
          message: `at most ${MAX_NAMED_VALUES} names`,
          input: names.length,
        });
      for (const name of names) {
        const problem =
          name.length === 0 || name.length > 100
            ? 'a name of 1 to 100 characters'
            : name.startsWith('$')
              ? 'must not start with $ (Klaviyo reserves those names; use extra for $extra)'
              : undefined;
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: name, path: [name] });
      }
    }),
  ),
);

/** What shapes one Klaviyo event; shared by the source's single event and each entry of `events`. */
const eventFields = memo(() => ({
  /**
   * Skips (logged and counted, not dead-lettered) when false, null, 0, empty or missing: at the mapping's top level
   * the whole webhook (events and profile upsert), on an entry of `events` that event or element.
   */
  filter: z
    .optional(valueSpecSchema())
    .check(z.describe('Skips (logged and counted) when false, null, 0, empty or missing.')),
  /** The event's monetary value, e.g. `event.total_price` or `{ "expr": "$sum(line_items.(price * quantity))" }`. */
  value: z.optional(valueSpecSchema()).check(z.describe("The event's monetary value.")),
  /** ISO 4217 code of the value (`USD`); lowercase codes are uppercased, anything else fails the event. */
  value_currency: z
    .optional(valueSpecSchema())
    .check(z.describe('ISO 4217 code of the value; lowercase is uppercased.')),
  /** The event's time from the record (ISO 8601 or epoch seconds/ms); default: when the relay received it. */
  time: z
    .optional(valueSpecSchema())
    .check(
      z.describe("The event's time (ISO 8601 or epoch seconds/ms); default when the relay received it."),
    ),
  /** Records the event without triggering flows (a replay, an import); default false. */
  backfill: z
    .optional(z.boolean())
    .check(z.describe('Records the event without triggering flows; default false.')),
  /** Context roots flattened into properties; `[]` flattens nothing (only computed properties are sent). */
  include: z
    .optional(z.array(z.string().check(z.minLength(1))))
    .check(z.describe('Context roots flattened into properties; [] flattens nothing.')),
  /** Computed properties by name, flattened like the included roots (an object becomes `name_child` keys). */
  properties: z
    .optional(namedValuesSchema())
    .check(z.describe('Computed properties by name, flattened like the included roots.')),
  /**
   * Properties kept as they are, not flattened: arrays of objects such as `Items` for templates that loop
   * `{% for item in event.Items %}`. A dot path kept here is left out of the flattened properties.
   */
  keep: z
    .optional(namedValuesSchema())
    .check(z.describe('Properties kept as they are, not flattened (e.g. Items for templates).')),
  /** Values put under `$extra`: available to templates, not to segments. */
  extra: z
    .optional(namedValuesSchema())
    .check(z.describe('Values put under $extra: for templates, not segments.')),
}));

/** One event of several that a webhook becomes (`mapping.events`). */
export const eventSpecSchema = memo(() =>
  z
    .strictObject({
      /**
       * Part of the event's unique_id (`<source>:<delivery id>:<id>[:<key>]`); default its position in `events`.
       * Set it when reordering `events` must not make a redelivered webhook look new.
       */
      id: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower_snake_case'))),
      /**
       * The event types (topics) this entry is for; unset: every one. Unlike `filter`, another type is not a skip
       * (nothing is logged or counted): one mapping can cover a sender's topics, an entry per topic.
       */
      event_types: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
      /** Default: the source's metric (metric_by_event_type, metric, or the humanised event type). */
      metric: z.optional(metricSpecSchema()).check(z.describe("The metric; default the source's.")),
      /** One event per element of this list (`event.line_items`); `item` and `index` name the element in paths. */
      for_each: z.optional(valueSpecSchema()).check(z.describe('One event per element of this list.')),
      /** The element's key in its unique_id (`item.id`); default the element's index. */
      key: z
        .optional(valueSpecSchema())
        .check(z.describe("The element's key in its unique_id; default its index.")),
      ...eventFields(),
    })
    .check(
      z.refine((spec) => spec.key === undefined || spec.for_each !== undefined, {
        message: 'key needs for_each (it names the element of for_each)',
        path: ['key'],
      }),
    ),
);
export type EventSpec = z.infer<ReturnType<typeof eventSpecSchema>>;

/** Fields of the single event that `events` replaces: set them on each entry of `events` instead. */
const SINGLE_EVENT_ONLY = ['value', 'include', 'properties', 'keep', 'extra'] as const;

export const mappingSchema = memo(() =>
  z
    .strictObject({
      /** Klaviyo metric name (or `{ "expr" }`); default: the event type, humanised (`orders/create` → `Orders Create`). */
      metric: z
        .optional(metricSpecSchema())
        .check(z.describe('Klaviyo metric name (or { expr }); default the event type, humanised.')),
      /** Metric per event type, taking precedence over `metric`. */
      metric_by_event_type: z
        ._default(z.record(z.string(), metricNameSchema()), {})
        .check(z.describe('Metric per event type, taking precedence over metric.')),
      /**
       * Dot paths or expressions over the context (`event`, `meta`, each hydration step) for profile identifiers;
       * each takes the first that gives a value, and the event needs at least one of the four. `as_of`: the
       * profile upsert's version.
       */
      profile: profileSpecsSchema(),
      ...eventFields(),
      /**
       * Several events from one webhook (e.g. `Placed Order`, and `Ordered Product` for each line item). `time`,
       * `value_currency` and `backfill` above apply to each unless it sets its own; `filter` above skips the whole
       * webhook, an entry's own `filter` that entry (or, with `for_each`, that element).
       */
      events: z.optional(z.array(eventSpecSchema()).check(z.minLength(1), z.maxLength(MAX_EVENT_SPECS))),
      /**
       * Klaviyo profile attribute → dot path or expression, for a profile upsert (profile import) beside the
       * event: a standard attribute (`first_name`, `last_name`, `organization`, `locale`, `title`, `image`),
       * `location.<field>` or `properties.<name>`. `null` clears the attribute at Klaviyo; a missing value leaves it.
       */
      profile_attributes: z.optional(z.record(profileAttributeKeySchema(), valueSpecSchema())),
      /** What to send: `event`, `profile` (the upsert only), `both` or `none`; default `both` when `profile_attributes` is set. */
      emit: z
        .optional(emitSchema())
        .check(
          z.describe(
            'What to send: event, profile, both or none; default both when profile_attributes is set.',
          ),
        ),
      /** `emit` per event type, taking precedence over `emit` (e.g. a customer topic updates the profile only). */
      emit_by_event_type: z
        ._default(z.record(z.string(), emitSchema()), {})
        .check(z.describe('emit per event type, taking precedence over emit.')),
      /** Marketing consent to write: each entry subscribes the profile on a channel (docs/mapping.md). */
      subscriptions: z.optional(consentListSchema(subscriptionSpecSchema())),
      /** Marketing consent to withdraw: each entry unsubscribes the profile on a channel. */
      unsubscriptions: z.optional(consentListSchema(unsubscriptionSpecSchema())),
      /** Catalog rows to write: each entry an item, variant or category, upserted or deleted (docs/mapping.md). */
      catalog: z.optional(consentListSchema(catalogSpecSchema())),
      /** Custom-object records to write to a data source, each named by a record id (docs/mapping.md). */
      records: z.optional(consentListSchema(recordSpecSchema())),
      /** Back-in-stock subscriptions of the mapping's profile to a catalog variant (docs/mapping.md). */
      back_in_stock: z.optional(consentListSchema(backInStockSpecSchema())),
      /** The list subscriptions write to when their entry names none: a name from `klaviyo.lists` or a list id. */
      list: z
        .optional(listReferenceSchema())
        .check(z.describe('The list subscriptions write to when their entry names none.')),
    })
    .check(
      z.superRefine((mapping, ctx) => {
        if (mapping.events === undefined) return;
        for (const field of SINGLE_EVENT_ONLY) {
          if (mapping[field] !== undefined)
            ctx.issues.push({
              code: 'custom',
              message: `${field} belongs on each entry of events when events is set`,
              input: mapping[field],
              path: [field],
            });
        }
        const ids = mapping.events.map((spec, index) => spec.id ?? String(index));
        ids.forEach((id, index) => {
          if (ids.indexOf(id) !== index)
            ctx.issues.push({
              code: 'custom',
              message: `events[${index}] has the id "${id}" of an earlier event (ids make unique_ids distinct)`,
              input: id,
              path: ['events', index, 'id'],
            });
        });
      }),
    ),
);
export type Mapping = z.infer<ReturnType<typeof mappingSchema>>;

// The Klaviyo mock's public type for back-in-stock subscriptions, as a test reads them back.

/** One profile's back-in-stock subscription to one catalog variant, as it stands. */
export interface RecordedBackInStockSubscription {
  /** Id of the mock profile (see `profiles()`). */
  profileId: string;
  /** The catalog variant, as named: `integrationType:::catalogId:::externalId`. */
  variantId: string;
  /** Every channel the profile subscribed on for this variant, in the order first named. */
  channels: string[];
  /** How many requests subscribed it (1 for a subscription never sent again). */
  writes: number;
  /** ISO 8601 time of the first and the last request (mock clock). */
  created: string;
  updated: string;
}

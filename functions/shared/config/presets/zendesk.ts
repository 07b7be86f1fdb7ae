// Zendesk: tickets opened and solved, with the requester as the profile. Two ways in: event-subscription webhooks
// (`zen:event-type:ticket.created`, `…ticket.status_changed`), which name the requester by id only, so the
// requester is fetched from the account's API; and trigger webhooks with the JSON body docs/presets/zendesk.md
// documents (`zendesk-trigger:ticket.created`, `…ticket.solved`), which carry the requester's email themselves.
// Opt-in (`optionalRecords`): each ticket as a custom-object record, named by the ticket id, so that every webhook
// about a ticket (and every redelivery) updates one record.
import type { Preset } from './preset.ts';

const SUBSCRIPTION = {
  created: 'zen:event-type:ticket.created',
  statusChanged: 'zen:event-type:ticket.status_changed',
};
const TRIGGER = { created: 'zendesk-trigger:ticket.created', solved: 'zendesk-trigger:ticket.solved' };
export const ZENDESK_EVENT_TYPES = [...Object.values(SUBSCRIPTION), ...Object.values(TRIGGER)];

/** The ticket: an event subscription's `detail`, or the trigger template's `ticket`. */
const TICKET = '($exists(event.detail) ? event.detail : event.ticket)';

const ticketEvent = (id: string, metric: string, eventTypes: string[], filter?: string) => ({
  id,
  metric,
  event_types: eventTypes,
  ...(filter === undefined ? {} : { filter: { expr: filter } }),
  include: [],
  properties: {
    TicketId: { expr: `$string(${TICKET}.id)` },
    Subject: { expr: `${TICKET}.subject` },
    Status: { expr: `$uppercase(${TICKET}.status)` },
    Priority: { expr: `$uppercase(${TICKET}.priority)` },
    Channel: { expr: `${TICKET}.via.channel` },
    // A trigger's {{ticket.tags}} is one space-separated string.
    Tags: {
      expr: `$type(${TICKET}.tags) = 'string' ? [$split(${TICKET}.tags, ' ')] : [${TICKET}.tags]`,
    },
    TicketURL: 'event.ticket.url',
  },
});

/** The ticket as a record: what a segment or a template may read of it; the ticket id is the record id. */
const ticketRecord = {
  id: 'tickets',
  event_types: ZENDESK_EVENT_TYPES,
  record_id: { expr: `$string(${TICKET}.id)` },
  record: {
    subject: { expr: `${TICKET}.subject` },
    status: { expr: `$uppercase(${TICKET}.status)` },
    priority: { expr: `$uppercase(${TICKET}.priority)` },
    type: { expr: `$uppercase(${TICKET}.type)` },
    channel: { expr: `${TICKET}.via.channel` },
    tags: {
      expr: `$type(${TICKET}.tags) = 'string' ? [$split(${TICKET}.tags, ' ')] : [${TICKET}.tags]`,
    },
    requester_email: { expr: '$exists(requester.email) ? requester.email : event.requester.email' },
    assignee_id: { expr: `${TICKET}.assignee_id` },
    group_id: { expr: `${TICKET}.group_id` },
    created_at: { expr: `${TICKET}.created_at` },
    updated_at: { expr: `${TICKET}.updated_at` },
    url: 'event.ticket.url',
  },
};

export const zendeskPreset: Preset = {
  kind: 'zendesk',
  requires: [
    {
      path: ['hydration', 'connections', 'zendesk', 'base_url'],
      what: "your account's API address (event-subscription webhooks name the requester by id only)",
      example: 'https://yourcompany.zendesk.com',
    },
    {
      path: ['hydration', 'connections', 'zendesk', 'auth'],
      what: 'an API token of an agent who can read users, as HTTP Basic with the user "<agent email>/token"',
      example: { kind: 'basic', user: 'agent@example.com/token', password: { env: 'ZENDESK_API_TOKEN' } },
    },
  ],
  hydration: {
    connections: { zendesk: {} },
    steps: [
      {
        name: 'requester',
        path: '/api/v2/users/{event.detail.requester_id}',
        when: { expr: `event.type in ${JSON.stringify(Object.values(SUBSCRIPTION))}` },
        pick: 'user',
        cache_ttl_seconds: 300,
      },
    ],
  },
  mapping: {
    filter: { expr: `event.type in ${JSON.stringify(ZENDESK_EVENT_TYPES)}` },
    profile: {
      email: ['requester.email', 'event.requester.email'],
      phone_number: [],
      external_id: [],
    },
    // An event subscription's own time; a trigger's ticket.updated_at (the template sends it).
    time: { expr: '$exists(event.time) ? event.time : event.ticket.updated_at' },
    events: [
      ticketEvent('opened_ticket', 'Opened Ticket', [SUBSCRIPTION.created, TRIGGER.created]),
      ticketEvent(
        'solved_ticket',
        'Solved Ticket',
        [SUBSCRIPTION.statusChanged, TRIGGER.solved],
        // A status change is a solve when it is to SOLVED; the trigger fires only on solves.
        `event.type = '${TRIGGER.solved}' or $uppercase(event.event.current) = 'SOLVED'`,
      ),
    ],
  },
  optionalRecords: [ticketRecord],
};

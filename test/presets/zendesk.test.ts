// The zendesk preset: event-subscription webhooks (written from Zendesk's documented ticket events, the requester
// fetched from recorded user answers) and trigger webhooks with docs/presets/zendesk.md's JSON template, each
// becoming the exact Klaviyo requests expected, each one Klaviyo's contract accepts.
import { describe, expect, it } from 'vitest';
import {
  expectContractValid,
  expectedRequests,
  mapPresetCase,
  type PresetCase,
} from '../helpers/preset-cases.ts';

const zendeskCase = (topic: string, fixture: string, withRequester: boolean): PresetCase => ({
  topic,
  fixture,
  headers: [`x-zendesk-webhook-invocation-id:${fixture}-1`],
  ...(withRequester ? { responses: fixture } : {}),
});

const cases: PresetCase[] = [
  zendeskCase('zen:event-type:ticket.created', 'ticket-created', true),
  zendeskCase('zen:event-type:ticket.status_changed', 'ticket-status-changed-solved', true),
  zendeskCase('zendesk-trigger:ticket.created', 'trigger-ticket-created', false),
  zendeskCase('zendesk-trigger:ticket.solved', 'trigger-ticket-solved', false),
];

describe('zendesk preset', () => {
  it.each(cases)('$fixture → the expected Klaviyo requests', async (c) => {
    const result = await mapPresetCase('zendesk', c);
    expect(result.failure).toBeUndefined();
    expect(result.requests).toEqual(await expectedRequests('zendesk', c, result.requests));
    expect(result.requests).toHaveLength(1);
    expectContractValid(result.requests);
  });

  it('the requester is fetched for event subscriptions only, and a status change other than a solve sends nothing', async () => {
    const [subscription, trigger] = await Promise.all([
      mapPresetCase('zendesk', cases[0] ?? zendeskCase('', '', false)),
      mapPresetCase('zendesk', cases[2] ?? zendeskCase('', '', false)),
    ]);
    expect(subscription.source_calls.map((c) => c.step)).toEqual(['requester']);
    expect(trigger.source_calls).toEqual([]);
    const pending = await mapPresetCase(
      'zendesk',
      zendeskCase('zen:event-type:ticket.status_changed', 'ticket-status-changed-pending', true),
    );
    expect(pending.requests).toEqual([]);
    expect(pending.failure).toBeUndefined();
  });
});

// A base URL whose path the steps' paths repeat (issue 22): `https://api.stripe.com/v1` with the stripe preset's
// `/v1/…` steps would call `/v1/v1/…` and dead-letter every webhook as a 404, so it is refused at load, naming
// the base URL to write. And each preset's page states each of its connections' base URL and auth.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { hydrationSchema, validateRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { PRESETS, PRESET_NAMES } from '../../functions/shared/config/presets/index.ts';

const problems = (value: unknown): string[] => {
  const result = hydrationSchema().safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a base URL whose path the steps repeat', () => {
  it('is refused on the one connection, saying where the call would go and what to write', () => {
    expect(
      problems({
        base_url: 'https://api.stripe.com/v1/',
        steps: [{ name: 'session', path: '/v1/checkout/sessions/{event.id}' }],
      }),
    ).toEqual([
      'base_url: the path of base_url https://api.stripe.com/v1/ is /v1, and step "session"\'s path /v1/checkout/sessions/{event.id} begins with it again: the call would go to /v1/v1/checkout/sessions/{event.id}. Leave /v1 out of the base URL (https://api.stripe.com), or out of the steps\' paths',
    ]);
  });

  it('is refused on a named connection, only for the steps on it', () => {
    const hydration = {
      connections: {
        api: { base_url: 'https://{meta.shop}.example.com/admin/api' },
        other: { base_url: 'https://other.example.com/admin' },
      },
      steps: [
        { name: 'order', connection: 'api', path: '/admin/api/orders/{event.id}' },
        { name: 'user', connection: 'other', path: '/users/{event.user}' },
      ],
    };
    expect(problems(hydration)).toEqual([
      expect.stringMatching(
        /^connections\.api\.base_url: .*step "order".*\(https:\/\/\{meta\.shop\}\.example\.com\)/,
      ),
    ]);
  });

  it('is taken when the steps do not repeat it (or only share its first letters)', () => {
    expect(
      problems({
        base_url: 'https://api.stripe.com/v1',
        steps: [
          { name: 'session', path: '/checkout/sessions/{event.id}' },
          { name: 'other', path: '/v10/things' },
        ],
      }),
    ).toEqual([]);
  });

  it('is refused through a preset: the stripe preset with base_url …/v1', () => {
    const result = validateRelayConfig({
      version: 1,
      sources: {
        stripe: {
          preset: 'stripe',
          secrets: [{ env: 'STRIPE_WEBHOOK_SECRET' }],
          hydration: {
            connections: {
              stripe: {
                base_url: 'https://api.stripe.com/v1',
                auth: { kind: 'bearer', secret: { env: 'STRIPE_API_KEY' } },
              },
            },
          },
        },
      },
      klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
    });
    expect(result.success).toBe(false);
    expect(result.success ? [] : result.problems).toContainEqual({
      path: 'sources.stripe.hydration.connections.stripe.base_url',
      message: expect.stringContaining('Leave /v1 out of the base URL (https://api.stripe.com)') as string,
    });
  });
});

describe('each preset’s page (docs/presets/<name>.md)', () => {
  it.each(PRESET_NAMES)('%s: states each connection’s name, base URL and auth', async (name) => {
    const page = await readFile(`docs/presets/${name}.md`, 'utf8');
    const connections = Object.entries(PRESETS[name].hydration?.connections ?? {});
    const paragraph = /^\*\*Connection\*\*[\s\S]*?\n\n/m.exec(page)?.[0] ?? '';
    expect(paragraph, `${name}.md has a **Connection** paragraph`).not.toBe('');
    if (connections.length === 0) expect(paragraph).toMatch(/none/);
    for (const [connection, { base_url: baseUrl }] of connections) {
      expect(paragraph).toContain(`\`${connection}\``);
      // A base URL the source must give is said to be given (zendesk's account address).
      if (baseUrl === undefined) expect(paragraph).toMatch(/base URL[\s\S]*you must\s+give/);
      else expect(paragraph).toContain(`base URL \`${baseUrl}\``);
      expect(paragraph).toMatch(/auth/i);
    }
  });
});

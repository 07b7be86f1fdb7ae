// A placeholder in a base URL's host lets the webhook choose part of the host its credential goes to. It may
// fill one DNS label under a fixed, registrable domain the configuration names (`{meta.shop}.myshopify.com`),
// never choose the domain (`{meta.tenant}.com` → attacker.com). Checked at configuration load and again on the
// rendered URL.
import { describe, expect, it } from 'vitest';
import { renderBaseUrl } from '../../functions/hydrate/hydration/connections.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import { hydrationSchema } from '../../functions/shared/config/hydration.ts';

const step = { name: 'order', path: '/orders/{event.id}' };
const accepts = (base_url: string) => hydrationSchema().safeParse({ base_url, steps: [step] }).success;
const problem = (base_url: string) => {
  const result = hydrationSchema().safeParse({ base_url, steps: [step] });
  return result.success
    ? undefined
    : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('a placeholder in a base URL host, at configuration load', () => {
  it.each([
    'https://{meta.tenant}.com', // the webhook would choose the registrable domain
    'https://{meta.tenant}.co.uk', // a public suffix of two labels
    'https://{meta.tenant}.com.au/api',
    'https://{meta.tenant}.ck', // a wildcard public suffix (*.ck)
    'https://{meta.a}.{meta.b}.example.com', // two labels chosen
    'https://shop-{meta.id}.example.com', // part of a label: the rule is one whole label
    'https://{meta.a}.example.{meta.tld}',
    'https://{meta.a}.1.2.3', // renders an IPv4 address
    'https://{meta.a}.example..com',
  ])('refuses %s', (template) => {
    expect(problem(template)).toMatch(/base_url.*(registrable domain|one label)/s);
  });

  it.each([
    'https://{meta.shop}.myshopify.com/admin/api/2025-07',
    'https://{params.subdomain}.zendesk.com',
    'https://{meta.s}.api.example.co.uk:8443/v1',
    'https://api.bigcommerce.com/stores/{meta.store_hash}/v3', // placeholders in the path: not this rule
  ])('accepts %s', (template) => {
    expect(accepts(template), problem(template)).toBe(true);
  });
});

describe('a placeholder in a base URL host, at render time', () => {
  const render = (template: string, meta: Record<string, unknown>) => () => renderBaseUrl(template, { meta });

  it('refuses a template that chooses the domain even if it was never validated', () => {
    expect(render('https://{meta.tenant}.com', { tenant: 'attacker' })).toThrow(PermanentError);
    expect(render('https://{meta.tenant}.com', { tenant: 'attacker' })).toThrow(/registrable domain/);
  });

  it.each(['attacker.com#', 'evil.example', 'a:1@evil.example', '', '-x', 'a'.repeat(64)])(
    'refuses the value %j, which is not one DNS label',
    (shop) => {
      expect(render('https://{meta.shop}.myshopify.com/admin', { shop })).toThrow(PermanentError);
    },
  );

  it('fills one label under the fixed domain', () => {
    expect(renderBaseUrl('https://{meta.shop}.myshopify.com/admin', { meta: { shop: 'Ada-Shop' } })).toBe(
      'https://Ada-Shop.myshopify.com/admin',
    );
  });
});

// The stack file the relay CLI reads: the module's outputs as a root module may give them.
import { describe, expect, it } from 'vitest';
import { moduleOutputsOf } from '../../operations/relay-stack.ts';

const moduleOutputs = {
  queue_urls: { hydrate: 'https://sqs/hydrate', deliver: 'https://sqs/deliver' },
  dedupe_table_name: 'relay-dedupe',
};
const wrapped = (value: unknown) => ({ value, type: 'object', sensitive: false });

describe('moduleOutputsOf', () => {
  it('reads outputs a root re-exports one by one (terraform output -json)', () => {
    const outputs = moduleOutputsOf(
      { queue_urls: wrapped(moduleOutputs.queue_urls), dedupe_table_name: wrapped('relay-dedupe') },
      'stack.json',
    );
    expect(outputs.queue_urls?.value).toEqual(moduleOutputs.queue_urls);
    expect(outputs.dedupe_table_name?.value).toBe('relay-dedupe');
  });

  it('reads one root output that is the whole module (output "relay" { value = module.relay })', () => {
    const outputs = moduleOutputsOf({ relay: wrapped(moduleOutputs), other: wrapped('x') }, 'stack.json');
    expect(outputs.queue_urls?.value).toEqual(moduleOutputs.queue_urls);
    expect(outputs.dedupe_table_name?.value).toBe('relay-dedupe');
  });

  it('reads that output printed alone (terraform output -json relay)', () => {
    const outputs = moduleOutputsOf(moduleOutputs, 'stack.json');
    expect(outputs.queue_urls?.value).toEqual(moduleOutputs.queue_urls);
    expect(outputs.dedupe_table_name?.value).toBe('relay-dedupe');
  });

  it('asks which relay is meant when the root holds several', () => {
    expect(() =>
      moduleOutputsOf({ eu: wrapped(moduleOutputs), us: wrapped(moduleOutputs) }, 'stack.json'),
    ).toThrow(/several relays \(eu, us\).*terraform output -json <name> > stack\.json/);
  });

  it('refuses a file that is not an object of outputs', () => {
    expect(() => moduleOutputsOf([1, 2], 'stack.json')).toThrow(/not an object of outputs/);
  });
});

// Local mode's ports (issue 22): the Klaviyo mock and the demo API no longer change on every start; they sit
// next to the webhook port unless a variable names them, and a port that is not one is refused by name.
import { describe, expect, it } from 'vitest';
import { localPorts } from '../../local/local-ports.ts';

describe('localPorts', () => {
  it('fixes all three by default: 3000, the mock 3001, the demo API 3002', () => {
    expect(localPorts(undefined, {})).toEqual({ webhook: 3000, klaviyoMock: 3001, demoApi: 3002 });
  });

  it('moves them with --port or PORT (--port first)', () => {
    expect(localPorts('4000', { PORT: '5000' })).toEqual({ webhook: 4000, klaviyoMock: 4001, demoApi: 4002 });
    expect(localPorts(undefined, { PORT: '5000' })).toEqual({
      webhook: 5000,
      klaviyoMock: 5001,
      demoApi: 5002,
    });
  });

  it('takes each from its own variable', () => {
    expect(localPorts(undefined, { KLAVIYO_MOCK_PORT: '8025', DEMO_API_PORT: '8026' })).toEqual({
      webhook: 3000,
      klaviyoMock: 8025,
      demoApi: 8026,
    });
  });

  it('picks free ports for all when the webhook port is 0', () => {
    expect(localPorts('0', {})).toEqual({ webhook: 0, klaviyoMock: 0, demoApi: 0 });
  });

  it('refuses what is not a port, naming where it came from', () => {
    expect(() => localPorts('abc', {})).toThrow(
      '--port must be a port number (0–65535, 0 for a free one), not "abc"',
    );
    expect(() => localPorts(undefined, { DEMO_API_PORT: '70000' })).toThrow(
      /^DEMO_API_PORT must be a port number/,
    );
  });
});

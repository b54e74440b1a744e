import { withTestDelays } from './test-delays';

describe('withTestDelays (PKI_TEST_SLOW_OPERATIONS)', () => {
  const message = { caller: { accountId: '111111111111', accessKeyId: 'AKID' }, requestId: 'r1', input: {} };
  const handlers = { Slow: async () => 'slow', Quick: async () => 'quick' };

  it('slows the named operations only, and only under NODE_ENV=test', async () => {
    expect(withTestDelays(handlers, 'production', undefined)).toBe(handlers);
    const slowed = withTestDelays(handlers, 'test', 'Slow:120');
    expect(slowed.Quick).toBe(handlers.Quick);
    const started = Date.now();
    expect(await slowed.Slow!(message)).toBe('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('refuses the seam outside tests and a malformed entry', () => {
    expect(() => withTestDelays(handlers, 'production', 'Slow:100')).toThrow('only honoured with NODE_ENV=test');
    expect(() => withTestDelays(handlers, 'test', 'Slow')).toThrow('is not Operation:ms');
  });
});

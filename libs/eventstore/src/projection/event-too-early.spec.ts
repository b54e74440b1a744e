import { EventTooEarly, inStreamOrder, MAX_TOO_EARLY_DELIVERIES, tooEarlyDelayMs } from './event-too-early';

describe('inStreamOrder: a projection that needs a stream in order', () => {
  const at = (version: number) => ({ stream: 'ca-1', version });

  it('applies the next event of the stream, the first one when nothing was applied', () => {
    expect(inStreamOrder(at(1), undefined)).toBe('apply');
    expect(inStreamOrder(at(2), 1)).toBe('apply');
    expect(inStreamOrder(at(7), 6)).toBe('apply');
  });

  it('skips an event applied before (a redelivery or a replay)', () => {
    expect(inStreamOrder(at(1), 1)).toBe('skip');
    expect(inStreamOrder(at(2), 5)).toBe('skip');
  });

  it('refuses an event whose predecessor is not applied yet, naming the stream and both versions', () => {
    expect(() => inStreamOrder(at(2), undefined)).toThrow(EventTooEarly);
    expect(() => inStreamOrder(at(4), 2)).toThrow('event 4 of ca-1 follows version 2, the last one applied; an earlier event is still on its way');
  });

  it('asks for the next delivery soon, then less often, for about a minute in all before parking', () => {
    expect(tooEarlyDelayMs(1)).toBe(50);
    expect(tooEarlyDelayMs(2)).toBe(100);
    expect(tooEarlyDelayMs(10)).toBe(2_000);
    const total = Array.from({ length: MAX_TOO_EARLY_DELIVERIES - 1 }, (_, i) => tooEarlyDelayMs(i + 1)).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(45_000);
    expect(total).toBeLessThan(120_000);
  });
});

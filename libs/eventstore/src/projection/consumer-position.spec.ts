import { durableName, hasDiverged, restartSequence } from './consumer-position';

describe('durableName', () => {
  it('keeps only characters JetStream allows in durable names', () => {
    expect(durableName('issuance', 'ca.directory v1/x>*')).toBe('issuance_ca_directory_v1_x__');
  });
});

describe('restartSequence', () => {
  it('continues after the checkpoint when the stream is intact', () => {
    expect(restartSequence(0, 0, false, 100)).toBe(1);
    expect(restartSequence(41, 90, false, 100)).toBe(42);
  });

  it('rewinds before the loss point when the stream lost messages', () => {
    // checkpoint 110 but the stream only has 100 left: start well before 100
    expect(restartSequence(110, 100, true, 10)).toBe(91);
    expect(restartSequence(110, 100, true, 1000)).toBe(1);
    expect(restartSequence(50, 100, true, 10)).toBe(41);
  });
});

describe('hasDiverged', () => {
  it('detects a sequence beyond the end of the stream or holding another event', () => {
    expect(hasDiverged({ seq: 10, eventId: 'a' }, 9, undefined)).toBe(true);
    expect(hasDiverged({ seq: 10, eventId: 'a' }, 10, 'b')).toBe(true);
    expect(hasDiverged({ seq: 10, eventId: 'a' }, 10, undefined)).toBe(true);
    expect(hasDiverged({ seq: 10, eventId: 'a' }, 12, 'a')).toBe(false);
    expect(hasDiverged({ seq: 0, eventId: null }, 0, undefined)).toBe(false);
  });
});

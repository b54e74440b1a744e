import { projectionStreamAction, relayStreamAction } from './stream-incarnation';

const T0 = '2026-12-07T05:46:42.24466842Z';
const T1 = '2026-12-07T06:10:03.000000001Z';

describe('relayStreamAction', () => {
  it('does nothing more while the stream is the one it recorded', () => {
    expect(relayStreamAction(T0, { created: T0, lastSeq: 0 })).toBe('none');
    expect(relayStreamAction(T0, { created: T0, lastSeq: 500 })).toBe('none');
  });

  it('publishes every event again into a recreated stream, however far it already got', () => {
    expect(relayStreamAction(T0, { created: T1, lastSeq: 0 })).toBe('republish-all');
    // another service's projection created it first, or a relay replica already published some
    expect(relayStreamAction(T0, { created: T1, lastSeq: 12 })).toBe('republish-all');
  });

  it('on first sight, fills an empty stream and trusts one that holds messages', () => {
    expect(relayStreamAction(null, { created: T0, lastSeq: 0 })).toBe('republish-all');
    expect(relayStreamAction(null, { created: T0, lastSeq: 3 })).toBe('record');
  });
});

describe('projectionStreamAction', () => {
  it('replays a recreated source stream from its start', () => {
    expect(projectionStreamAction(T0, T1)).toBe('replay-all');
  });

  it('keeps its position in the stream it recorded, and records the first one it sees', () => {
    expect(projectionStreamAction(T0, T0)).toBe('none');
    expect(projectionStreamAction(null, T0)).toBe('record');
  });
});

import { announcedVersionOf } from './ca-event-announcements';
import { IssuingCaViews } from './issuing-ca-views';
import type { IssuingCaView } from '../domain/issuing-ca';

const ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-4333-8444-555555555555';
const ID = '11111111-2222-4333-8444-555555555555';
const view = (status: string): IssuingCaView => ({ id: ID, arn: ARN, status } as IssuingCaView);

function views(maxAgeMs = 1000) {
  let now = 0;
  const v = new IssuingCaViews({ maxAgeMs, now: () => now });
  v.listening(true);
  return { v, advance: (ms: number) => (now += ms) };
}

describe('IssuingCaViews: a CA read from the table serves later requests only while nothing newer was announced', () => {
  it('serves what was read until an event of a newer version is announced, then asks for the table again', () => {
    const { v } = views();
    v.remember(view('ACTIVE'), 4, v.beginRead());
    expect(v.fresh(ARN)?.status).toBe('ACTIVE');
    v.announce(ID, 4); // the event the row already reflects
    expect(v.fresh(ARN)?.status).toBe('ACTIVE');
    v.announce(ID, 5); // e.g. StatusChanged to DISABLED
    expect(v.fresh(ARN)).toBeUndefined();
    v.remember(view('ACTIVE'), 4, v.beginRead()); // the projection has not applied it yet: still not used
    expect(v.fresh(ARN)).toBeUndefined();
    v.remember(view('DISABLED'), 5, v.beginRead());
    expect(v.fresh(ARN)?.status).toBe('DISABLED');
  });

  it('keeps the newer of two reads that finish out of order', () => {
    const { v } = views();
    const older = v.beginRead();
    v.remember(view('DISABLED'), 6, v.beginRead());
    v.remember(view('ACTIVE'), 5, older);
    expect(v.fresh(ARN)?.status).toBe('DISABLED');
  });

  it('uses nothing older than maxAgeMs (from when the read began), whatever was announced; 0 reads every time', () => {
    const { v, advance } = views(1000);
    const token = v.beginRead();
    advance(400);
    v.remember(view('ACTIVE'), 1, token);
    advance(599);
    expect(v.fresh(ARN)).toBeDefined();
    advance(1);
    expect(v.fresh(ARN)).toBeUndefined();
    const never = views(0).v;
    never.remember(view('ACTIVE'), 1, never.beginRead());
    expect(never.fresh(ARN)).toBeUndefined();
  });

  it('forgets everything on clear (an interruption), including reads that began before it', () => {
    const { v } = views();
    const before = v.beginRead();
    v.remember(view('ACTIVE'), 1, v.beginRead());
    v.clear();
    expect(v.fresh(ARN)).toBeUndefined();
    v.remember(view('ACTIVE'), 1, before);
    expect(v.fresh(ARN)).toBeUndefined();
  });

  it('remembers nothing while the announcements do not listen', () => {
    const v = new IssuingCaViews({ maxAgeMs: 1000 });
    v.remember(view('ACTIVE'), 1, v.beginRead());
    expect(v.fresh(ARN)).toBeUndefined();
    v.listening(true);
    v.remember(view('ACTIVE'), 1, v.beginRead());
    expect(v.fresh(ARN)).toBeDefined();
    v.listening(false);
    expect(v.fresh(ARN)).toBeUndefined();
  });
});

describe('announcedVersionOf', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));
  it('reads the CA id and stream version of a CA event envelope', () => {
    expect(announcedVersionOf(body({ type: 'StatusChanged', version: 7, data: { certificateAuthorityId: ID, status: 'DISABLED' } }))).toEqual({ caId: ID, version: 7 });
  });
  it('answers null for anything else', () => {
    expect(announcedVersionOf(Buffer.from('not json'))).toBeNull();
    expect(announcedVersionOf(body({ version: 7, data: {} }))).toBeNull();
    expect(announcedVersionOf(body({ version: '7', data: { certificateAuthorityId: ID } }))).toBeNull();
    expect(announcedVersionOf(body(null))).toBeNull();
  });
});

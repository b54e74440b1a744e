import type { PublicEvent } from '@pki/contracts';
import { eventMatches, eventsFilterSubject, isEventsRequest, parseEventsRequest, sseError, sseMessage, type EventsRequest } from './events-request';

const ACCOUNT = '111122223333';
const CA = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`;
const parse = (query: string, lastEventId?: string | string[]) => parseEventsRequest(query, lastEventId, ACCOUNT, 'us-east-1');
const ok = (query: string, lastEventId?: string): EventsRequest => {
  const parsed = parse(query, lastEventId);
  if (!isEventsRequest(parsed)) throw new Error(parsed.message);
  return parsed;
};
const event = (over: Partial<PublicEvent> = {}): PublicEvent => ({
  version: '0', id: 'e', 'detail-type': 'ACM Private CA Certificate Issuance', source: 'aws.acm-pca', account: ACCOUNT, time: '2026-12-07T00:00:00Z', region: 'us-east-1',
  resources: [CA, `${CA}/certificate/01`], detail: { result: 'success' }, ...over,
});

describe('GET /events request', () => {
  it('starts with new events unless told otherwise, and reads the filters (repeatable)', () => {
    const request = ok('source=aws.acm-pca&detail-type=ACM%20Private%20CA%20Creation&detail-type=ACM+Private+CA+Certificate+Issuance&resource=' + encodeURIComponent(CA));
    expect(request.start).toEqual({ kind: 'new' });
    expect([...request.detailTypes]).toEqual(['ACM Private CA Creation', 'ACM Private CA Certificate Issuance']);
    expect([...request.sources]).toEqual(['aws.acm-pca']);
    expect([...request.resources]).toEqual([CA]);
    expect(ok('account=' + ACCOUNT).account).toBe(ACCOUNT);
  });

  it('replays from since, and resumes after Last-Event-ID, which wins', () => {
    expect(ok('since=2026-12-07T18:00:00Z').start).toEqual({ kind: 'since', time: new Date('2026-12-07T18:00:00Z') });
    expect(ok('since=2026-12-07T19:00:00.5%2B01:00').start).toEqual({ kind: 'since', time: new Date('2026-12-07T18:00:00.5Z') });
    expect(ok('since=2026-12-07T18:00:00Z', '42').start).toEqual({ kind: 'after', seq: 42 });
  });

  it.each([
    ['foo=1', undefined, 'ValidationException', /Unknown query parameter "foo"/],
    ['detail-type=Nope', undefined, 'ValidationException', /Unknown detail-type "Nope"; the feed's detail-types are "ACM Private CA Creation"/],
    ['source=aws.s3', undefined, 'ValidationException', /Unknown source "aws.s3"/],
    ['since=yesterday', undefined, 'ValidationException', /since "yesterday" is not an ISO 8601 time/],
    ['since=2026-12-07T18:00:00', undefined, 'ValidationException', /with a zone/],
    ['since=2026-12-07T18:00:00Z&since=2026-12-07T18:00:00Z', undefined, 'ValidationException', /since may be given once/],
    ['', 'abc', 'ValidationException', /Last-Event-ID "abc" is not an id this feed sent/],
    ['', '0', 'ValidationException', /Last-Event-ID/],
    ['resource=', undefined, 'ValidationException', /resource filter/],
    ['account=222233334444', undefined, 'AccessDeniedException', /Account 111122223333 is not authorized to read the events of account "222233334444"/],
  ])('refuses %s (Last-Event-ID %s) with %s', (query, lastEventId, code, message) => {
    const parsed = parse(query, lastEventId);
    expect(isEventsRequest(parsed)).toBe(false);
    expect(parsed).toMatchObject({ code, message: expect.stringMatching(message), status: code === 'AccessDeniedException' ? 403 : 400 });
  });

  it('filters on one detail-type in JetStream, anything else on the account', () => {
    expect(eventsFilterSubject('pki', ok('detail-type=ACM+Private+CA+Certificate+Revocation'))).toBe(`pki.events.${ACCOUNT}.aws.acm-pca.certificate-revocation`);
    expect(eventsFilterSubject('pki', ok('detail-type=ACM+Private+CA+Creation&detail-type=Private+CA+Status+Change'))).toBe(`pki.events.${ACCOUNT}.>`);
    expect(eventsFilterSubject('pki', ok('detail-type=Private+CA+Status+Change&source=aws.acm-pca'))).toBe(`pki.events.${ACCOUNT}.>`);
    expect(eventsFilterSubject('pki', ok(''))).toBe(`pki.events.${ACCOUNT}.>`);
  });

  it('passes an event when every given filter has a match', () => {
    expect(eventMatches(ok(''), event())).toBe(true);
    expect(eventMatches(ok('resource=' + encodeURIComponent(`${CA}/certificate/01`)), event())).toBe(true);
    expect(eventMatches(ok('resource=' + encodeURIComponent(`${CA}/certificate/02`)), event())).toBe(false);
    expect(eventMatches(ok('detail-type=ACM+Private+CA+Creation'), event())).toBe(false);
    expect(eventMatches(ok('source=pki.acm-pca'), event())).toBe(false);
    expect(eventMatches(ok(''), event({ account: '999999999999' }))).toBe(false);
  });

  it("passes only the events of the region the request is signed for (EventBridge is regional)", () => {
    expect(ok('').region).toBe('us-east-1');
    expect(eventMatches(ok(''), event({ region: 'eu-west-1' }))).toBe(false);
    const eu = parseEventsRequest('', undefined, ACCOUNT, 'eu-west-1');
    if (!isEventsRequest(eu)) throw new Error(eu.message);
    expect(eventMatches(eu, event({ region: 'eu-west-1' }))).toBe(true);
    expect(eventMatches(eu, event())).toBe(false);
  });

  it('writes SSE messages: id, one data line, blank line', () => {
    expect(sseMessage(7, event())).toBe(`id: 7\ndata: ${JSON.stringify(event())}\n\n`);
    expect(sseError('SlowConsumer', 'too slow')).toBe('event: error\ndata: {"code":"SlowConsumer","message":"too slow"}\n\n');
  });
});

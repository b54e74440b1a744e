import type { EventEnvelope } from '@pki/contracts';
import { publicEventProblems } from '@pki/testing';
import { directoryPublicEvents } from './public-events';

const DIR = 'd-0123456789';
const CERT = 'c-0123456789';
const ARN = `arn:aws:ds:us-west-2:111122223333:directory/${DIR}`;
const envelope = (type: string, data: object): EventEnvelope => ({
  id: '2f1d8c5e-0000-4000-8000-000000000006', stream: `directory-${DIR}`, version: 4, type, schemaVersion: 1, occurredAt: '2026-12-07T10:00:00Z',
  correlationId: 'r', causationId: null, accountId: '111122223333', data,
});
const context = { region: 'us-west-2' };

describe('directory-certs public events', () => {
  it.each([
    ['DirectoryCertificateRegistrationRequested', { directoryId: DIR, certificateId: CERT, requestedAt: '2026-12-07T10:00:00Z' }, 'Directory Service Certificate State Change', 'Registering', null],
    ['DirectoryCertificateRegistered', { directoryId: DIR, certificateId: CERT, at: '2026-12-07T10:00:01Z' }, 'Directory Service Certificate Registered', 'Registered', null],
    ['DirectoryCertificateRegistrationFailed', { directoryId: DIR, certificateId: CERT, at: '2026-12-07T10:00:01Z', reason: 'expired' }, 'Directory Service Certificate State Change', 'RegisterFailed', 'expired'],
    ['DirectoryCertificateDeregistrationRequested', { directoryId: DIR, certificateId: CERT, at: '2026-12-07T10:00:02Z' }, 'Directory Service Certificate State Change', 'Deregistering', null],
    ['DirectoryCertificateDeregistered', { directoryId: DIR, certificateId: CERT, at: '2026-12-07T10:00:03Z' }, 'Directory Service Certificate Deregistered', 'Deregistered', null],
  ])('makes %s a %s (%s)', (type, data, detailType, state, stateReason) => {
    const [event, ...rest] = directoryPublicEvents(envelope(type, data), context);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ 'detail-type': detailType, source: 'pki.ds', resources: [ARN, CERT], detail: { directoryId: DIR, certificateId: CERT, state, stateReason } });
    expect(publicEventProblems(event)).toEqual([]);
  });

  it.each([
    ['ClientAuthenticationEnabled', { directoryId: DIR, clientAuthenticationType: 'SmartCard', at: '2026-12-07T10:00:00Z' }, 'Directory Service Client Authentication Change', 'SmartCard', 'Enabled'],
    ['ClientAuthenticationDisabled', { directoryId: DIR, clientAuthenticationType: 'SmartCard', at: '2026-12-07T10:00:00Z' }, 'Directory Service Client Authentication Change', 'SmartCard', 'Disabled'],
    ['LdapsEnabled', { directoryId: DIR, ldapsType: 'Client', at: '2026-12-07T10:00:00Z' }, 'Directory Service LDAPS Change', 'Client', 'Enabled'],
    ['LdapsDisabled', { directoryId: DIR, ldapsType: 'Client', at: '2026-12-07T10:00:00Z' }, 'Directory Service LDAPS Change', 'Client', 'Disabled'],
  ])('makes %s a %s', (type, data, detailType, settingType, status) => {
    const [event] = directoryPublicEvents(envelope(type, data), context);
    expect(event).toMatchObject({ 'detail-type': detailType, resources: [ARN], detail: { directoryId: DIR, type: settingType, status } });
    expect(publicEventProblems(event)).toEqual([]);
  });

  it("puts each event in its directory's region (the event's region member; none: the default region)", () => {
    const [registered] = directoryPublicEvents(envelope('DirectoryCertificateRegistered', { directoryId: DIR, certificateId: CERT, at: '2026-12-07T10:00:01Z', region: 'eu-west-1' }), context);
    expect(registered).toMatchObject({ region: 'eu-west-1', resources: [ARN.replace(':us-west-2:', ':eu-west-1:'), CERT] });
    const [ldaps] = directoryPublicEvents(envelope('LdapsEnabled', { directoryId: DIR, ldapsType: 'Client', at: '2026-12-07T10:00:00Z', region: 'eu-west-1' }), context);
    expect(ldaps).toMatchObject({ region: 'eu-west-1', resources: [ARN.replace(':us-west-2:', ':eu-west-1:')] });
    const [older] = directoryPublicEvents(envelope('LdapsEnabled', { directoryId: DIR, ldapsType: 'Client', at: '2026-12-07T10:00:00Z' }), context);
    expect(older).toMatchObject({ region: 'us-west-2', resources: [ARN] });
  });

  it('makes nothing of directory lifecycle events', () => {
    for (const type of ['DirectoryRequested', 'DirectoryActivated', 'DirectoryDeleted']) expect(directoryPublicEvents(envelope(type, { directoryId: DIR }), context)).toEqual([]);
  });
});

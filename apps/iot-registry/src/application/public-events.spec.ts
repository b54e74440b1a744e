import type { EventEnvelope, PublicEvent } from '@pki/contracts';
import { publicEventProblems } from '@pki/testing';
import { iotPublicEvents } from './public-events';

const ID = 'a'.repeat(64);
const stamp = { customerVersion: 1, generationId: 'g', at: '2026-12-07T10:00:00.250Z' };
const envelope = (type: string, data: object, accountId = '111122223333'): EventEnvelope => ({
  id: '2f1d8c5e-0000-4000-8000-000000000005', stream: `iot-certificate-${ID}`, version: 2, type, schemaVersion: 1, occurredAt: '2026-12-07T10:00:00Z',
  correlationId: 'r', causationId: null, accountId, data,
});
const only = (events: PublicEvent[]) => {
  expect(events).toHaveLength(1);
  expect(publicEventProblems(events[0])).toEqual([]);
  return events[0]!;
};

describe('iot-registry public events', () => {
  const context = { region: 'eu-central-1' };
  const ARN = `arn:aws:iot:eu-central-1:111122223333:cert/${ID}`;

  it("makes the platform's IoT Certificate Registered, with the operation that registered it", () => {
    const event = only(iotPublicEvents(envelope('IotCertificateRegistered', { certificateId: ID, certificateArn: ARN, caCertificateId: null, status: 'ACTIVE', certificateMode: 'SNI_ONLY', source: 'RegisterCertificateWithoutCA', stamp }), context));
    expect(event).toMatchObject({ source: 'pki.iot', account: '111122223333', region: 'eu-central-1', time: '2026-12-07T10:00:00Z', resources: [ARN] });
    expect(event.detail).toEqual({ certificateId: ID, status: 'ACTIVE', certificateMode: 'SNI_ONLY', caCertificateId: null, registeredBy: 'RegisterCertificateWithoutCA' });
  });

  it('gives a registration the region of the certificate\'s ARN (PKI_REGIONS: the caller\'s), not the default', () => {
    const arn = ARN.replace(':eu-central-1:', ':ap-south-1:');
    const event = only(iotPublicEvents(envelope('IotCertificateRegistered', { certificateId: ID, certificateArn: arn, caCertificateId: null, status: 'ACTIVE', certificateMode: 'SNI_ONLY', source: 'RegisterCertificateWithoutCA', stamp }), context));
    expect(event).toMatchObject({ region: 'ap-south-1', resources: [arn] });
  });

  it('makes status changes, transfers (not rejections) and deletions', () => {
    expect(only(iotPublicEvents(envelope('IotCertificateStatusChanged', { certificateId: ID, previousStatus: 'ACTIVE', status: 'REVOKED', cause: 'IssuerRevocation', stamp }), context)).detail).toEqual({
      certificateId: ID, previousStatus: 'ACTIVE', status: 'REVOKED', cause: 'IssuerRevocation',
    });
    expect(only(iotPublicEvents(envelope('IotCertificateTransferStarted', { certificateId: ID, fromAccount: '111122223333', targetAccount: '444455556666', transferMessage: null, stamp }), context)).detail).toEqual({
      certificateId: ID, change: 'STARTED', fromAccount: '111122223333', toAccount: '444455556666',
    });
    const accepted = only(iotPublicEvents(envelope('IotCertificateTransferAccepted', { certificateId: ID, fromAccount: '111122223333', toAccount: '444455556666', certificateArn: `arn:aws:iot:eu-central-1:444455556666:cert/${ID}`, status: 'ACTIVE', stamp }, '444455556666'), context));
    expect(accepted).toMatchObject({ account: '444455556666', resources: [`arn:aws:iot:eu-central-1:444455556666:cert/${ID}`], detail: { change: 'ACCEPTED' } });
    expect(only(iotPublicEvents(envelope('IotCertificateTransferCancelled', { certificateId: ID, cancelledBy: '111122223333', stamp }), context)).detail).toMatchObject({ change: 'CANCELLED' });
    expect(iotPublicEvents(envelope('IotCertificateTransferRejected', { certificateId: ID, rejectedBy: '444455556666', rejectReason: null, stamp }, '444455556666'), context)).toEqual([]);
    expect(only(iotPublicEvents(envelope('IotCertificateDeleted', { certificateId: ID, ownedBy: '111122223333', caCertificateId: null, forceDelete: false, deletedAt: '2026-12-07T10:00:01Z' }), context)).detail).toEqual({ certificateId: ID, forceDelete: false });
  });

  it("puts status changes, transfers and deletions in the certificate's region (the event's region member; none: the default)", () => {
    const arn = ARN.replace(':eu-central-1:', ':ap-south-1:');
    const inRegion = (type: string, data: object) => only(iotPublicEvents(envelope(type, { ...data, region: 'ap-south-1' }), context));
    expect(inRegion('IotCertificateStatusChanged', { certificateId: ID, previousStatus: 'ACTIVE', status: 'INACTIVE', cause: 'UpdateCertificate', stamp })).toMatchObject({ region: 'ap-south-1', resources: [arn] });
    expect(inRegion('IotCertificateTransferStarted', { certificateId: ID, fromAccount: '111122223333', targetAccount: '444455556666', transferMessage: null, stamp })).toMatchObject({ region: 'ap-south-1', resources: [arn] });
    expect(inRegion('IotCertificateTransferCancelled', { certificateId: ID, cancelledBy: '111122223333', stamp })).toMatchObject({ region: 'ap-south-1', resources: [arn] });
    expect(inRegion('IotCertificateDeleted', { certificateId: ID, ownedBy: '111122223333', caCertificateId: null, forceDelete: false, deletedAt: '2026-12-07T10:00:01Z' })).toMatchObject({ region: 'ap-south-1', resources: [arn] });
    const accepted = only(iotPublicEvents(envelope('IotCertificateTransferAccepted', { certificateId: ID, fromAccount: '111122223333', toAccount: '444455556666', certificateArn: `arn:aws:iot:ap-south-1:444455556666:cert/${ID}`, status: 'ACTIVE', stamp }, '444455556666'), context));
    expect(accepted.region).toBe('ap-south-1');
    expect(only(iotPublicEvents(envelope('IotCertificateDeleted', { certificateId: ID, ownedBy: '111122223333', caCertificateId: null, forceDelete: false, deletedAt: '2026-12-07T10:00:01Z' }), context))).toMatchObject({ region: 'eu-central-1', resources: [ARN] });
  });

  it('makes nothing of the registry around certificates', () => {
    for (const type of ['IotThingCreated', 'IotPolicyCreated', 'IotCertificateThingAttached', 'IotCaCertificateRegistered']) expect(iotPublicEvents(envelope(type, {}), context)).toEqual([]);
  });
});

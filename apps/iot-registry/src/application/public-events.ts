/**
 * iot-registry's share of the public feed (libs/contracts public-events.ts, source `pki.iot`):
 * AWS IoT sends no EventBridge events of its certificate registry, so these are the platform's
 * own detail-types, for fleet managers that track device certificates: registered, status changed,
 * transfer started / accepted / cancelled, deleted. Each is in the account the internal event was
 * recorded in: the owner's, or for an accepted transfer the receiving account's, with its new ARN.
 */
import {
  IOT_EVENT_TYPES,
  publicEvent,
  type EventEnvelope,
  type IotCertificateDeletedV1,
  type IotCertificateRegisteredV1,
  type IotCertificateStatusChangedV1,
  type IotCertificateTransferAcceptedV1,
  type IotCertificateTransferCancelledV1,
  type IotCertificateTransferStartedV1,
  type IotCertificateTransferDetail,
  type PublicEvent,
  type PublicEventContext,
} from '@pki/contracts';
import { certificateArn, parseCertificateArn } from '../domain/iot-ids';

export function iotPublicEvents(event: EventEnvelope, context: PublicEventContext): PublicEvent[] {
  if (event.schemaVersion !== 1) return [];
  // Each event is in its certificate's region: the region member its internal event carries (the
  // certificate's ARN's), else, for events recorded before regions, the default region.
  const data = event.data as { readonly region?: string };
  const where = { account: event.accountId, region: data.region ?? context.region };
  const arnOf = (certificateId: string) => certificateArn(where.region, event.accountId, certificateId);
  const transfer = (certificateId: string, at: string, detail: Omit<IotCertificateTransferDetail, 'certificateId'>, arn = arnOf(certificateId)) => [
    publicEvent(event.id, 'IoT Certificate Transfer', { ...where, region: parseCertificateArn(arn)?.region ?? where.region }, at, [arn], { certificateId, ...detail }),
  ];
  switch (event.type) {
    case IOT_EVENT_TYPES.CertificateRegistered: {
      const d = event.data as IotCertificateRegisteredV1;
      // The certificate's region is its ARN's (the caller's at registration, one of PKI_REGIONS).
      const region = parseCertificateArn(d.certificateArn)?.region ?? context.region;
      return [
        publicEvent(event.id, 'IoT Certificate Registered', { ...where, region }, d.stamp.at, [d.certificateArn], {
          certificateId: d.certificateId,
          status: d.status,
          certificateMode: d.certificateMode,
          caCertificateId: d.caCertificateId,
          registeredBy: d.source,
        }),
      ];
    }
    case IOT_EVENT_TYPES.CertificateStatusChanged: {
      const d = event.data as IotCertificateStatusChangedV1;
      return [publicEvent(event.id, 'IoT Certificate Status Change', where, d.stamp.at, [arnOf(d.certificateId)], { certificateId: d.certificateId, previousStatus: d.previousStatus, status: d.status, cause: d.cause })];
    }
    case IOT_EVENT_TYPES.CertificateTransferStarted: {
      const d = event.data as IotCertificateTransferStartedV1;
      return transfer(d.certificateId, d.stamp.at, { change: 'STARTED', fromAccount: d.fromAccount, toAccount: d.targetAccount });
    }
    case IOT_EVENT_TYPES.CertificateTransferAccepted: {
      const d = event.data as IotCertificateTransferAcceptedV1;
      return transfer(d.certificateId, d.stamp.at, { change: 'ACCEPTED', fromAccount: d.fromAccount, toAccount: d.toAccount }, d.certificateArn);
    }
    // IotCertificateTransferRejected v1 is recorded in the rejecting account and does not name the
    // owner, whose certificate ARN the event would carry: no public event until a version does.
    case IOT_EVENT_TYPES.CertificateTransferCancelled: {
      const d = event.data as IotCertificateTransferCancelledV1;
      return transfer(d.certificateId, d.stamp.at, { change: 'CANCELLED', fromAccount: d.cancelledBy, toAccount: null });
    }
    case IOT_EVENT_TYPES.CertificateDeleted: {
      const d = event.data as IotCertificateDeletedV1;
      return [publicEvent(event.id, 'IoT Certificate Deleted', where, d.deletedAt, [arnOf(d.certificateId)], { certificateId: d.certificateId, forceDelete: d.forceDelete })];
    }
    default:
      return [];
  }
}

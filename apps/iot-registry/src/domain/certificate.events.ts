import type {
  IOT_EVENT_TYPES,
  IotCertificateDeletedV1,
  IotCertificatePolicyAttachedV1,
  IotCertificatePolicyDetachedV1,
  IotCertificateRegisteredV1,
  IotCertificateStatusChangedV1,
  IotCertificateThingAttachedV1,
  IotCertificateThingDetachedV1,
  IotCertificateTransferAcceptedV1,
  IotCertificateTransferCancelledV1,
  IotCertificateTransferRejectedV1,
  IotCertificateTransferStartedV1,
  NewEvent,
} from '@pki/contracts';

type V1<T, K extends string> = NewEvent<T, K> & { schemaVersion: 1 };

/** The events of the AWS IoT device certificate aggregate (payload contracts live in libs/contracts). */
export type CertificateEvent =
  | V1<IotCertificateRegisteredV1, typeof IOT_EVENT_TYPES.CertificateRegistered>
  | V1<IotCertificateStatusChangedV1, typeof IOT_EVENT_TYPES.CertificateStatusChanged>
  | V1<IotCertificateTransferStartedV1, typeof IOT_EVENT_TYPES.CertificateTransferStarted>
  | V1<IotCertificateTransferAcceptedV1, typeof IOT_EVENT_TYPES.CertificateTransferAccepted>
  | V1<IotCertificateTransferRejectedV1, typeof IOT_EVENT_TYPES.CertificateTransferRejected>
  | V1<IotCertificateTransferCancelledV1, typeof IOT_EVENT_TYPES.CertificateTransferCancelled>
  | V1<IotCertificateDeletedV1, typeof IOT_EVENT_TYPES.CertificateDeleted>
  | V1<IotCertificateThingAttachedV1, typeof IOT_EVENT_TYPES.CertificateThingAttached>
  | V1<IotCertificateThingDetachedV1, typeof IOT_EVENT_TYPES.CertificateThingDetached>
  | V1<IotCertificatePolicyAttachedV1, typeof IOT_EVENT_TYPES.CertificatePolicyAttached>
  | V1<IotCertificatePolicyDetachedV1, typeof IOT_EVENT_TYPES.CertificatePolicyDetached>;

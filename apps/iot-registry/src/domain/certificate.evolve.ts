import { IOT_EVENT_TYPES, type IotChangeStampV1 } from '@pki/contracts';
import type { CertificateEvent } from './certificate.events';
import { initialCertificateState, type CertificateState, type RegisteredCertificate, type TransferRecord } from './certificate.state';

const restamp = (state: RegisteredCertificate, stamp: IotChangeStampV1): RegisteredCertificate => ({
  ...state,
  lastModifiedDate: stamp.at,
  customerVersion: stamp.customerVersion,
  generationId: stamp.generationId,
});

export function evolveCertificate(state: CertificateState, event: CertificateEvent): CertificateState {
  if (event.type === IOT_EVENT_TYPES.CertificateRegistered) {
    const d = event.data;
    return {
      status: d.status,
      certificateId: d.certificateId,
      certificateArn: d.certificateArn,
      ownedBy: d.ownedBy,
      previousOwnedBy: null,
      caCertificateId: d.caCertificateId,
      certificatePem: d.certificatePem,
      certificateMode: d.certificateMode,
      notBefore: d.notBefore,
      notAfter: d.notAfter,
      creationDate: d.stamp.at,
      lastModifiedDate: d.stamp.at,
      customerVersion: d.stamp.customerVersion,
      generationId: d.stamp.generationId,
      transfer: null,
      things: [],
      policies: [],
    };
  }
  if (state.status === 'Absent') return state;
  switch (event.type) {
    case IOT_EVENT_TYPES.CertificateStatusChanged:
      return { ...restamp(state, event.data.stamp), status: event.data.status };
    case IOT_EVENT_TYPES.CertificateTransferStarted: {
      const d = event.data;
      const transferRecord: TransferRecord = {
        fromAccount: d.fromAccount,
        targetAccount: d.targetAccount,
        transferMessage: d.transferMessage,
        rejectReason: null,
        transferDate: d.stamp.at,
        acceptDate: null,
        rejectDate: null,
        outcome: 'PENDING',
      };
      return { ...restamp(state, d.stamp), status: 'PENDING_TRANSFER', transfer: transferRecord };
    }
    case IOT_EVENT_TYPES.CertificateTransferAccepted: {
      const d = event.data;
      return {
        ...restamp(state, d.stamp),
        status: d.status,
        ownedBy: d.toAccount,
        previousOwnedBy: d.fromAccount,
        certificateArn: d.certificateArn,
        transfer: state.transfer && { ...state.transfer, acceptDate: d.stamp.at, outcome: 'ACCEPTED' },
      };
    }
    case IOT_EVENT_TYPES.CertificateTransferRejected: {
      const d = event.data;
      return {
        ...restamp(state, d.stamp),
        status: 'INACTIVE',
        transfer: state.transfer && { ...state.transfer, rejectReason: d.rejectReason, rejectDate: d.stamp.at, outcome: 'REJECTED' },
      };
    }
    case IOT_EVENT_TYPES.CertificateTransferCancelled:
      return { ...restamp(state, event.data.stamp), status: 'INACTIVE', transfer: state.transfer && { ...state.transfer, outcome: 'CANCELLED' } };
    case IOT_EVENT_TYPES.CertificateDeleted:
      return initialCertificateState;
    // Attachments change no AWS bookkeeping of the certificate (customerVersion, generationId).
    case IOT_EVENT_TYPES.CertificateThingAttached:
      return { ...state, things: [...state.things, { thingName: event.data.thingName, thingPrincipalType: event.data.thingPrincipalType }] };
    case IOT_EVENT_TYPES.CertificateThingDetached:
      return { ...state, things: state.things.filter((t) => t.thingName !== event.data.thingName) };
    case IOT_EVENT_TYPES.CertificatePolicyAttached:
      return { ...state, policies: [...state.policies, event.data.policyName] };
    case IOT_EVENT_TYPES.CertificatePolicyDetached:
      return { ...state, policies: state.policies.filter((p) => p !== event.data.policyName) };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

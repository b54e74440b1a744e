import type { IotCertificateMode, IotCertificateStatus, IotChangeStampV1, IotThingPrincipalType } from '@pki/contracts';
import type { Stamped } from './certificate.commands';
import { iotErrors } from './iot-errors';
import { regionOfIotArn } from './iot-ids';

/** A thing this certificate is attached to (AttachThingPrincipal). */
export interface ThingLink {
  readonly thingName: string;
  readonly thingPrincipalType: IotThingPrincipalType;
}

/** AWS IoT `TransferData`, plus the accounts involved (not on the wire). */
export interface TransferRecord {
  readonly fromAccount: string;
  readonly targetAccount: string;
  readonly transferMessage: string | null;
  readonly rejectReason: string | null;
  readonly transferDate: string;
  readonly acceptDate: string | null;
  readonly rejectDate: string | null;
  readonly outcome: 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'CANCELLED';
}

export interface RegisteredCertificate {
  readonly status: IotCertificateStatus;
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly ownedBy: string;
  readonly previousOwnedBy: string | null;
  readonly caCertificateId: string | null;
  readonly certificatePem: string;
  readonly certificateMode: IotCertificateMode;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly creationDate: string;
  readonly lastModifiedDate: string;
  readonly customerVersion: number;
  readonly generationId: string;
  readonly transfer: TransferRecord | null;
  /** Things of the owning account this certificate is attached to, in attachment order. */
  readonly things: readonly ThingLink[];
  /** Policies of the owning account attached to this certificate, in attachment order. */
  readonly policies: readonly string[];
}

export type CertificateState = { readonly status: 'Absent' } | RegisteredCertificate;

export const initialCertificateState: CertificateState = { status: 'Absent' };

/** The change stamp after `state`: AWS IoT's customerVersion counts every change. */
export const stampAfter = (state: RegisteredCertificate, command: Stamped): IotChangeStampV1 => ({
  customerVersion: state.customerVersion + 1,
  generationId: command.generationId,
  at: command.now.toISOString(),
});

/** The certificate's region, its ARN's: carried by the events public events are made of (optional members). */
export function regionOfCertificate(state: RegisteredCertificate): { readonly region?: string } {
  const region = regionOfIotArn(state.certificateArn);
  return region === undefined ? {} : { region };
}

/** Who may see a certificate: its owner, and the target account while a transfer to it is pending. */
export function isVisibleTo(state: CertificateState, account: string): state is RegisteredCertificate {
  if (state.status === 'Absent') return false;
  return state.ownedBy === account || (state.status === 'PENDING_TRANSFER' && state.transfer?.targetAccount === account);
}

/** The certificate as its owner sees it; anyone else (and an absent one) gets ResourceNotFoundException. */
export function owned(state: CertificateState, caller: string, certificateId: string): RegisteredCertificate {
  if (state.status === 'Absent' || state.ownedBy !== caller) throw iotErrors.notFound('certificate', certificateId);
  return state;
}

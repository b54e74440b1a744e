import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec } from '@pki/testing';
import type { CertificateCommand } from './certificate.commands';
import { decideCertificate } from './certificate.decider';
import { evolveCertificate } from './certificate.evolve';
import { initialCertificateState } from './certificate.state';

const A = '111111111111';
const B = '222222222222';
const ID = 'a'.repeat(64);
const T0 = new Date('2026-11-22T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const { given } = deciderSpec({ decide: decideCertificate, evolve: evolveCertificate, initialState: initialCertificateState });

const register = (status: 'ACTIVE' | 'INACTIVE' = 'INACTIVE'): CommandTypeOf<'RegisterCertificate'> => ({
  type: 'RegisterCertificate',
  certificateId: ID,
  certificateArn: `arn:aws:iot:us-east-1:${A}:cert/${ID}`,
  ownedBy: A,
  caCertificateId: 'c'.repeat(64),
  certificatePem: '-----BEGIN CERTIFICATE-----\n...',
  status,
  certificateMode: 'DEFAULT',
  notBefore: T0.toISOString(),
  notAfter: at(60 * 24).toISOString(),
  source: 'RegisterCertificate',
  now: T0,
  generationId: 'g1',
});
type CommandTypeOf<K extends CertificateCommand['type']> = Extract<CertificateCommand, { type: K }>;

const registered = (status: 'ACTIVE' | 'INACTIVE' = 'INACTIVE') => given([]).when(register(status)).events();
const update = (newStatus: CommandTypeOf<'UpdateCertificate'>['newStatus'], caller = A, caStatus: 'ACTIVE' | 'INACTIVE' | null = 'ACTIVE'): CertificateCommand => ({
  type: 'UpdateCertificate',
  caller,
  certificateId: ID,
  newStatus,
  caStatus,
  now: at(1),
  generationId: 'g2',
});
const transfer = (caller = A): CertificateCommand => ({ type: 'TransferCertificate', caller, certificateId: ID, targetAwsAccount: B, transferMessage: 'yours', now: at(2), generationId: 'g3' });

describe('certificate decider', () => {
  it('registers once; a second registration is ResourceAlreadyExistsException', () => {
    const events = registered('ACTIVE');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ status: 'ACTIVE', stamp: { customerVersion: 1, generationId: 'g1', at: T0.toISOString() } });
    const error = given(events).when(register()).thenThrows({ code: 'ResourceAlreadyExistsException' });
    // The exception's modelled resourceId / resourceArn travel next to the message.
    expect(error.toServiceError().fields).toEqual({ resourceId: ID, resourceArn: register().certificateArn });
  });

  it('every update bumps customerVersion, renews generationId and lastModifiedDate', () => {
    const state = given(registered()).when(update('ACTIVE')).state();
    expect(state).toMatchObject({ status: 'ACTIVE', customerVersion: 2, generationId: 'g2', lastModifiedDate: at(1).toISOString(), creationDate: T0.toISOString() });
  });

  it('refuses the internal statuses, changes to a revoked certificate, activation under an inactive CA, and other accounts', () => {
    const state = given(registered());
    state.when(update('PENDING_TRANSFER')).thenThrows({ code: 'InvalidRequestException' });
    state.when(update('PENDING_ACTIVATION')).thenThrows({ code: 'InvalidRequestException' });
    state.when(update('ACTIVE', A, 'INACTIVE')).thenThrows({ code: 'CertificateStateException' });
    state.when(update('ACTIVE', B)).thenThrows({ code: 'ResourceNotFoundException' });
    const revoked = given([...registered(), ...state.when(update('REVOKED')).events()]);
    revoked.when(update('ACTIVE')).thenThrows({ code: 'CertificateStateException' });
  });

  it('deletes only when not ACTIVE', () => {
    given(registered('ACTIVE')).when({ type: 'DeleteCertificate', caller: A, certificateId: ID, forceDelete: true, now: at(1) }).thenThrows({ code: 'CertificateStateException' });
    const deleted = given(registered()).when({ type: 'DeleteCertificate', caller: A, certificateId: ID, forceDelete: false, now: at(1) });
    expect(deleted.events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.CertificateDeleted]);
    expect(deleted.state().status).toBe('Absent');
  });

  it('transfers: not while ACTIVE; accept moves ownership and fills transferData', () => {
    given(registered('ACTIVE')).when(transfer()).thenThrows({ code: 'CertificateStateException' });
    given(registered()).when({ ...transfer(), targetAwsAccount: A } as CertificateCommand).thenThrows({ code: 'InvalidRequestException' });
    const pending = [...registered(), ...given(registered()).when(transfer()).events()];
    expect(given(pending).state).toMatchObject({ status: 'PENDING_TRANSFER', transfer: { targetAccount: B, transferMessage: 'yours', outcome: 'PENDING' } });
    given(pending).when(update('INACTIVE')).thenThrows({ code: 'CertificateStateException' });
    given(pending).when(transfer()).thenThrows({ code: 'CertificateStateException' });
    given(pending)
      .when({ type: 'AcceptCertificateTransfer', caller: '333333333333', certificateId: ID, setAsActive: true, region: 'us-east-1', now: at(3), generationId: 'g4' })
      .thenThrows({ code: 'ResourceNotFoundException' });
    const accepted = [...pending, ...given(pending).when({ type: 'AcceptCertificateTransfer', caller: B, certificateId: ID, setAsActive: true, region: 'us-east-1', now: at(3), generationId: 'g4' }).events()];
    expect(given(accepted).state).toMatchObject({
      status: 'ACTIVE',
      ownedBy: B,
      previousOwnedBy: A,
      certificateArn: `arn:aws:iot:us-east-1:${B}:cert/${ID}`,
      customerVersion: 3,
      transfer: { transferDate: at(2).toISOString(), acceptDate: at(3).toISOString(), outcome: 'ACCEPTED' },
    });
    given(accepted).when({ type: 'CancelCertificateTransfer', caller: A, certificateId: ID, now: at(4), generationId: 'g5' }).thenThrows({ code: 'TransferAlreadyCompletedException' });
    given(accepted)
      .when({ type: 'RejectCertificateTransfer', caller: B, certificateId: ID, rejectReason: null, now: at(4), generationId: 'g5' })
      .thenThrows({ code: 'TransferAlreadyCompletedException' });
  });

  it('reject and cancel return the certificate to INACTIVE with its owner', () => {
    const pending = given([...registered(), ...given(registered()).when(transfer()).events()]);
    const rejected = pending.when({ type: 'RejectCertificateTransfer', caller: B, certificateId: ID, rejectReason: 'not mine', now: at(3), generationId: 'g4' }).state();
    expect(rejected).toMatchObject({ status: 'INACTIVE', ownedBy: A, transfer: { rejectReason: 'not mine', rejectDate: at(3).toISOString(), outcome: 'REJECTED' } });
    pending.when({ type: 'CancelCertificateTransfer', caller: B, certificateId: ID, now: at(3), generationId: 'g4' }).thenThrows({ code: 'UnauthorizedException' });
    pending.when({ type: 'CancelCertificateTransfer', caller: '333333333333', certificateId: ID, now: at(3), generationId: 'g4' }).thenThrows({ code: 'ResourceNotFoundException' });
    const cancelled = pending.when({ type: 'CancelCertificateTransfer', caller: A, certificateId: ID, now: at(3), generationId: 'g4' }).state();
    expect(cancelled).toMatchObject({ status: 'INACTIVE', ownedBy: A, transfer: { outcome: 'CANCELLED' } });
  });

  it("the issuer's revocation makes it REVOKED once; replays and unknown certificates change nothing", () => {
    const revoke: CertificateCommand = { type: 'RevokeByIssuer', certificateId: ID, now: at(5), generationId: 'g9' };
    const events = given(registered('ACTIVE')).when(revoke).events();
    expect(events[0]!.data).toMatchObject({ previousStatus: 'ACTIVE', status: 'REVOKED', cause: 'IssuerRevocation' });
    given([...registered('ACTIVE'), ...events]).when(revoke).then([]);
    given([]).when(revoke).then([]);
  });
});

import { IOT_EVENT_TYPES } from '@pki/contracts';
import { decideCertificate, evolveCertificate, initialCertificateState, type CertificateCommand, type CertificateEvent, type CertificateState } from './certificate.decider';
import { errorOf } from './error-of.spec-helper';

const A = '111111111111';
const B = '222222222222';
const ID = 'a'.repeat(64);
const T0 = new Date('2026-11-22T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const given = (events: CertificateEvent[]): CertificateState => events.reduce(evolveCertificate, initialCertificateState);
const when = (state: CertificateState, command: CertificateCommand) => decideCertificate(command, state);

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

const registered = (status: 'ACTIVE' | 'INACTIVE' = 'INACTIVE') => when(initialCertificateState, register(status));
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
    expect(errorOf(() => when(given(events), register())).code).toBe('ResourceAlreadyExistsException');
    // The exception's modelled resourceId / resourceArn travel next to the message.
    expect(errorOf(() => when(given(events), register())).toServiceError().fields).toEqual({ resourceId: ID, resourceArn: register().certificateArn });
  });

  it('every update bumps customerVersion, renews generationId and lastModifiedDate', () => {
    const state = given([...registered(), ...when(given(registered()), update('ACTIVE'))]);
    expect(state).toMatchObject({ status: 'ACTIVE', customerVersion: 2, generationId: 'g2', lastModifiedDate: at(1).toISOString(), creationDate: T0.toISOString() });
  });

  it('refuses the internal statuses, changes to a revoked certificate, activation under an inactive CA, and other accounts', () => {
    const state = given(registered());
    expect(errorOf(() => when(state, update('PENDING_TRANSFER'))).code).toBe('InvalidRequestException');
    expect(errorOf(() => when(state, update('PENDING_ACTIVATION'))).code).toBe('InvalidRequestException');
    expect(errorOf(() => when(state, update('ACTIVE', A, 'INACTIVE'))).code).toBe('CertificateStateException');
    expect(errorOf(() => when(state, update('ACTIVE', B))).code).toBe('ResourceNotFoundException');
    const revoked = given([...registered(), ...when(state, update('REVOKED'))]);
    expect(errorOf(() => when(revoked, update('ACTIVE'))).code).toBe('CertificateStateException');
  });

  it('deletes only when not ACTIVE', () => {
    const active = given(registered('ACTIVE'));
    expect(errorOf(() => when(active, { type: 'DeleteCertificate', caller: A, certificateId: ID, forceDelete: true, now: at(1) })).code).toBe('CertificateStateException');
    const events = when(given(registered()), { type: 'DeleteCertificate', caller: A, certificateId: ID, forceDelete: false, now: at(1) });
    expect(events.map((e) => e.type)).toEqual([IOT_EVENT_TYPES.CertificateDeleted]);
    expect(given([...registered(), ...events]).status).toBe('Absent');
  });

  it('transfers: not while ACTIVE; accept moves ownership and fills transferData', () => {
    expect(errorOf(() => when(given(registered('ACTIVE')), transfer())).code).toBe('CertificateStateException');
    expect(errorOf(() => when(given(registered()), { ...transfer(), targetAwsAccount: A } as CertificateCommand)).code).toBe('InvalidRequestException');
    const pending = [...registered(), ...when(given(registered()), transfer())];
    expect(given(pending)).toMatchObject({ status: 'PENDING_TRANSFER', transfer: { targetAccount: B, transferMessage: 'yours', outcome: 'PENDING' } });
    expect(errorOf(() => when(given(pending), update('INACTIVE'))).code).toBe('CertificateStateException');
    expect(errorOf(() => when(given(pending), transfer())).code).toBe('CertificateStateException');
    expect(errorOf(() => when(given(pending), { type: 'AcceptCertificateTransfer', caller: '333333333333', certificateId: ID, setAsActive: true, region: 'us-east-1', now: at(3), generationId: 'g4' })).code).toBe(
      'ResourceNotFoundException',
    );
    const accepted = [...pending, ...when(given(pending), { type: 'AcceptCertificateTransfer', caller: B, certificateId: ID, setAsActive: true, region: 'us-east-1', now: at(3), generationId: 'g4' })];
    expect(given(accepted)).toMatchObject({
      status: 'ACTIVE',
      ownedBy: B,
      previousOwnedBy: A,
      certificateArn: `arn:aws:iot:us-east-1:${B}:cert/${ID}`,
      customerVersion: 3,
      transfer: { transferDate: at(2).toISOString(), acceptDate: at(3).toISOString(), outcome: 'ACCEPTED' },
    });
    expect(errorOf(() => when(given(accepted), { type: 'CancelCertificateTransfer', caller: A, certificateId: ID, now: at(4), generationId: 'g5' })).code).toBe('TransferAlreadyCompletedException');
    expect(errorOf(() => when(given(accepted), { type: 'RejectCertificateTransfer', caller: B, certificateId: ID, rejectReason: null, now: at(4), generationId: 'g5' })).code).toBe(
      'TransferAlreadyCompletedException',
    );
  });

  it('reject and cancel return the certificate to INACTIVE with its owner', () => {
    const pending = [...registered(), ...when(given(registered()), transfer())];
    const rejected = [...pending, ...when(given(pending), { type: 'RejectCertificateTransfer', caller: B, certificateId: ID, rejectReason: 'not mine', now: at(3), generationId: 'g4' })];
    expect(given(rejected)).toMatchObject({ status: 'INACTIVE', ownedBy: A, transfer: { rejectReason: 'not mine', rejectDate: at(3).toISOString(), outcome: 'REJECTED' } });
    expect(errorOf(() => when(given(pending), { type: 'CancelCertificateTransfer', caller: B, certificateId: ID, now: at(3), generationId: 'g4' })).code).toBe('UnauthorizedException');
    expect(errorOf(() => when(given(pending), { type: 'CancelCertificateTransfer', caller: '333333333333', certificateId: ID, now: at(3), generationId: 'g4' })).code).toBe('ResourceNotFoundException');
    const cancelled = [...pending, ...when(given(pending), { type: 'CancelCertificateTransfer', caller: A, certificateId: ID, now: at(3), generationId: 'g4' })];
    expect(given(cancelled)).toMatchObject({ status: 'INACTIVE', ownedBy: A, transfer: { outcome: 'CANCELLED' } });
  });

  it("the issuer's revocation makes it REVOKED once; replays and unknown certificates change nothing", () => {
    const revoke: CertificateCommand = { type: 'RevokeByIssuer', certificateId: ID, now: at(5), generationId: 'g9' };
    const events = when(given(registered('ACTIVE')), revoke);
    expect(events[0]!.data).toMatchObject({ previousStatus: 'ACTIVE', status: 'REVOKED', cause: 'IssuerRevocation' });
    expect(when(given([...registered('ACTIVE'), ...events]), revoke)).toEqual([]);
    expect(when(initialCertificateState, revoke)).toEqual([]);
  });
});

import { decideCaCertificate, evolveCaCertificate, initialCaCertificateState, type CaCertificateCommand, type CaCertificateEvent, type CaCertificateState } from './ca-certificate.decider';
import { decideRegistrationCode, evolveRegistrationCode, initialRegistrationCodeState } from './registration-code.decider';
import { errorOf } from './error-of.spec-helper';

const A = '111111111111';
const ID = 'c'.repeat(64);
const T0 = new Date('2026-11-22T10:00:00Z');
const given = (events: CaCertificateEvent[]): CaCertificateState => events.reduce(evolveCaCertificate, initialCaCertificateState);
const register = (setAsActive: boolean): CaCertificateCommand => ({
  type: 'RegisterCaCertificate',
  certificateId: ID,
  certificateArn: `arn:aws:iot:us-east-1:${A}:cacert/${ID}`,
  ownedBy: A,
  certificatePem: 'pem',
  subject: 'CN=CA',
  notBefore: T0.toISOString(),
  notAfter: T0.toISOString(),
  setAsActive,
  allowAutoRegistration: true,
  certificateMode: 'DEFAULT',
  registrationConfig: null,
  tags: [],
  now: T0,
  generationId: 'g1',
});
const update = (newStatus: 'ACTIVE' | 'INACTIVE' | undefined, extra: Partial<Extract<CaCertificateCommand, { type: 'UpdateCaCertificate' }>> = {}): CaCertificateCommand => ({
  type: 'UpdateCaCertificate',
  caller: A,
  certificateId: ID,
  newStatus,
  newAutoRegistrationStatus: undefined,
  registrationConfig: undefined,
  removeAutoRegistration: false,
  now: new Date(T0.getTime() + 1000),
  generationId: 'g2',
  ...extra,
});
const remove = (deviceCertificateCount: number, caller = A): CaCertificateCommand => ({ type: 'DeleteCaCertificate', caller, certificateId: ID, deviceCertificateCount, now: T0 });

describe('CA certificate decider', () => {
  it('registers with setAsActive / allowAutoRegistration, once', () => {
    const events = decideCaCertificate(register(true), initialCaCertificateState);
    expect(given(events)).toMatchObject({ status: 'ACTIVE', autoRegistrationStatus: 'ENABLE', customerVersion: 1 });
    expect(errorOf(() => decideCaCertificate(register(true), given(events))).code).toBe('ResourceAlreadyExistsException');
    expect(errorOf(() => decideCaCertificate(register(true), given(events))).toServiceError().fields).toEqual({ resourceId: ID, resourceArn: `arn:aws:iot:us-east-1:${A}:cacert/${ID}` });
  });

  it('updates status and auto-registration, bumping the version', () => {
    const registered = decideCaCertificate(register(true), initialCaCertificateState);
    const updated = decideCaCertificate(update('INACTIVE', { newAutoRegistrationStatus: 'DISABLE' }), given(registered));
    expect(given([...registered, ...updated])).toMatchObject({ status: 'INACTIVE', autoRegistrationStatus: 'DISABLE', customerVersion: 2, generationId: 'g2' });
    expect(errorOf(() => decideCaCertificate(update(undefined, { removeAutoRegistration: true, registrationConfig: { templateBody: null, roleArn: null, templateName: 'x' } }), given(registered))).code).toBe(
      'InvalidRequestException',
    );
    expect(errorOf(() => decideCaCertificate(update('ACTIVE', { caller: '222222222222' }), given(registered))).code).toBe('ResourceNotFoundException');
  });

  it('deletes only an INACTIVE CA certificate with no device certificates left', () => {
    const active = decideCaCertificate(register(true), initialCaCertificateState);
    expect(errorOf(() => decideCaCertificate(remove(0), given(active))).code).toBe('CertificateStateException');
    const inactive = decideCaCertificate(register(false), initialCaCertificateState);
    expect(errorOf(() => decideCaCertificate(remove(2), given(inactive))).message).toMatch(/still has 2 registered device certificate/);
    expect(given([...inactive, ...decideCaCertificate(remove(0), given(inactive))]).status).toBe('Absent');
  });
});

describe('registration code decider', () => {
  it('generates once and stays stable', () => {
    const events = decideRegistrationCode({ type: 'GenerateRegistrationCode', accountId: A, candidate: 'f'.repeat(64), now: T0 }, initialRegistrationCodeState);
    const state = events.reduce(evolveRegistrationCode, initialRegistrationCodeState);
    expect(state).toEqual({ status: 'Generated', registrationCode: 'f'.repeat(64) });
    expect(decideRegistrationCode({ type: 'GenerateRegistrationCode', accountId: A, candidate: '0'.repeat(64), now: T0 }, state)).toEqual([]);
  });
});

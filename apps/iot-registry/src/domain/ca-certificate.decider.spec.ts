import { deciderSpec } from '@pki/testing';
import { decideCaCertificate, evolveCaCertificate, initialCaCertificateState, type CaCertificateCommand } from './ca-certificate.decider';
import { decideRegistrationCode, evolveRegistrationCode, initialRegistrationCodeState } from './registration-code.decider';

const A = '111111111111';
const ID = 'c'.repeat(64);
const T0 = new Date('2026-11-22T10:00:00Z');
const { given, history } = deciderSpec({ decide: decideCaCertificate, evolve: evolveCaCertificate, initialState: initialCaCertificateState });
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
    const registered = given(history(register(true)));
    expect(registered.state).toMatchObject({ status: 'ACTIVE', autoRegistrationStatus: 'ENABLE', customerVersion: 1 });
    const error = registered.when(register(true)).thenThrows({ code: 'ResourceAlreadyExistsException' });
    expect(error.toServiceError().fields).toEqual({ resourceId: ID, resourceArn: `arn:aws:iot:us-east-1:${A}:cacert/${ID}` });
  });

  it('updates status and auto-registration, bumping the version', () => {
    const registered = given(history(register(true)));
    expect(registered.when(update('INACTIVE', { newAutoRegistrationStatus: 'DISABLE' })).state()).toMatchObject({ status: 'INACTIVE', autoRegistrationStatus: 'DISABLE', customerVersion: 2, generationId: 'g2' });
    registered
      .when(update(undefined, { removeAutoRegistration: true, registrationConfig: { templateBody: null, roleArn: null, templateName: 'x' } }))
      .thenThrows({ code: 'InvalidRequestException' });
    registered.when(update('ACTIVE', { caller: '222222222222' })).thenThrows({ code: 'ResourceNotFoundException' });
  });

  it('deletes only an INACTIVE CA certificate with no device certificates left', () => {
    given(history(register(true))).when(remove(0)).thenThrows({ code: 'CertificateStateException' });
    const inactive = given(history(register(false)));
    inactive.when(remove(2)).thenThrows({ message: /still has 2 registered device certificate/ });
    expect(inactive.when(remove(0)).state().status).toBe('Absent');
  });
});

describe('registration code decider', () => {
  const code = deciderSpec({ decide: decideRegistrationCode, evolve: evolveRegistrationCode, initialState: initialRegistrationCodeState });

  it('generates once and stays stable', () => {
    const generated = code.given(code.history({ type: 'GenerateRegistrationCode', accountId: A, candidate: 'f'.repeat(64), now: T0 }));
    expect(generated.state).toEqual({ status: 'Generated', registrationCode: 'f'.repeat(64) });
    generated.when({ type: 'GenerateRegistrationCode', accountId: A, candidate: '0'.repeat(64), now: T0 }).then([]);
  });
});

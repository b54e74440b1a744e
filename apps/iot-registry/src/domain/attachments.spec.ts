import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec, errorOf } from '@pki/testing';
import { attachPolicy, attachThingPrincipal, deleteCertificate, detachPolicy, detachThingPrincipal, resolveCertificatePrincipal } from './attachments';
import type { CertificateCommand } from './certificate.commands';
import { decideCertificate } from './certificate.decider';
import type { CertificateEvent } from './certificate.events';
import { evolveCertificate } from './certificate.evolve';
import { initialCertificateState, type CertificateState } from './certificate.state';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyEvent, type PolicyState } from './policy.decider';
import { decideThing, evolveThing, initialThingState, type ThingEvent, type ThingState } from './thing.decider';

const A = '111111111111';
const B = '222222222222';
const ID = 'a'.repeat(64);
const T0 = new Date('2026-11-23T10:00:00Z');
const ARN = `arn:aws:iot:us-east-1:${A}:cert/${ID}`;
const principal = { arn: ARN, certificateId: ID };

const certificates = deciderSpec({ decide: decideCertificate, evolve: evolveCertificate, initialState: initialCertificateState });
const things = deciderSpec({ decide: decideThing, evolve: evolveThing, initialState: initialThingState });
const policies = deciderSpec({ decide: decidePolicy, evolve: evolvePolicy, initialState: initialPolicyState });

/** The three aggregates as event lists, so each step is decided on the state the previous ones left. */
class World {
  certificate: CertificateEvent[] = [];
  things = new Map<string, ThingEvent[]>();
  policies = new Map<string, PolicyEvent[]>();
  cert = (): CertificateState => certificates.given(this.certificate).state;
  thing = (name: string): ThingState => things.given(this.things.get(name) ?? []).state;
  policy = (name: string): PolicyState => policies.given(this.policies.get(name) ?? []).state;
  certificateDo(command: CertificateCommand): CertificateEvent[] {
    const events = certificates.given(this.certificate).when(command).events();
    this.certificate.push(...events);
    return events;
  }
  addThing(name: string): void {
    this.things.set(name, things.history({ type: 'CreateThing', accountId: A, thingName: name, thingId: `id-${name}`, thingArn: `arn:aws:iot:us-east-1:${A}:thing/${name}`, attributes: {}, thingTypeName: null, now: T0 }));
  }
  addPolicy(name: string): void {
    const document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}';
    this.policies.set(name, policies.history({ type: 'CreatePolicy', accountId: A, policyName: name, policyArn: `arn:aws:iot:us-east-1:${A}:policy/${name}`, policyDocument: document, tags: [], generationId: 'g', now: T0 }));
  }
  attachThing(name: string, thingPrincipalType: 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING' = 'NON_EXCLUSIVE_THING', caller = A) {
    const decided = attachThingPrincipal({ caller, thingName: name, principal, thingPrincipalType, now: T0 }, this.thing(name), this.cert());
    this.things.get(name)!.push(...decided.thing);
    this.certificate.push(...decided.certificate);
    return decided;
  }
  detachThing(name: string) {
    const decided = detachThingPrincipal({ caller: A, thingName: name, principal, now: T0 }, this.thing(name), this.cert());
    this.things.get(name)!.push(...decided.thing);
    this.certificate.push(...decided.certificate);
  }
  attachPolicy(name: string) {
    const decided = attachPolicy({ caller: A, policyName: name, target: principal, now: T0 }, this.policy(name), this.cert());
    this.policies.get(name)!.push(...decided.policy);
    this.certificate.push(...decided.certificate);
    return decided;
  }
  detachPolicy(name: string) {
    const decided = detachPolicy({ caller: A, policyName: name, target: principal, now: T0 }, this.policy(name), this.cert());
    this.policies.get(name)!.push(...decided.policy);
    this.certificate.push(...decided.certificate);
  }
}

const registered = (status: 'ACTIVE' | 'INACTIVE' = 'INACTIVE'): World => {
  const world = new World();
  world.certificateDo({
    type: 'RegisterCertificate',
    certificateId: ID,
    certificateArn: ARN,
    ownedBy: A,
    caCertificateId: null,
    certificatePem: '-----BEGIN CERTIFICATE-----\n...',
    status,
    certificateMode: 'SNI_ONLY',
    notBefore: T0.toISOString(),
    notAfter: new Date(T0.getTime() + 86_400_000).toISOString(),
    source: 'RegisterCertificateWithoutCA',
    now: T0,
    generationId: 'g1',
  });
  return world;
};
const del = (forceDelete = false, caller = A): CertificateCommand & { type: 'DeleteCertificate' } => ({ type: 'DeleteCertificate', caller, certificateId: ID, forceDelete, now: T0 });
const transfer: CertificateCommand = { type: 'TransferCertificate', caller: A, certificateId: ID, targetAwsAccount: B, transferMessage: null, now: T0, generationId: 'g2' };

describe('attachments across things, policies and certificates', () => {
  it('resolves principals: certificate ARNs of the caller only', () => {
    const ctx = { region: 'us-east-1', caller: A };
    expect(resolveCertificatePrincipal(`arn:aws:iot:us-east-1:${A}:cert/${ID.toUpperCase()}`, 'principal', ctx)).toEqual(principal);
    expect(errorOf(() => resolveCertificatePrincipal('us-east-1:1234-abcd', 'principal', ctx)).code).toBe('InvalidRequestException');
    expect(errorOf(() => resolveCertificatePrincipal(`arn:aws:iot:us-east-1:${A}:thinggroup/g`, 'target', ctx)).code).toBe('InvalidRequestException');
    expect(errorOf(() => resolveCertificatePrincipal(`arn:aws:iot:us-east-1:${B}:cert/${ID}`, 'principal', ctx)).code).toBe('ResourceNotFoundException');
    expect(errorOf(() => resolveCertificatePrincipal(`arn:aws:iot:eu-west-1:${A}:cert/${ID}`, 'principal', ctx)).code).toBe('ResourceNotFoundException');
  });

  it('DeleteCertificate with a thing attached is DeleteConflictException even with forceDelete; after detaching (and INACTIVE) it deletes', () => {
    const world = registered('ACTIVE');
    world.addThing('lamp');
    world.attachThing('lamp');
    expect(world.cert()).toMatchObject({ things: [{ thingName: 'lamp', thingPrincipalType: 'NON_EXCLUSIVE_THING' }] });
    for (const forceDelete of [false, true]) {
      expect(errorOf(() => deleteCertificate(del(forceDelete), world.cert(), new Map()))).toMatchObject({ code: 'DeleteConflictException', message: expect.stringMatching(/attached to the thing\(s\) lamp/) });
    }
    world.detachThing('lamp');
    expect(world.cert()).toMatchObject({ things: [] });
    expect(world.thing('lamp')).toMatchObject({ principals: [] });
    // Still ACTIVE: the status rule applies once nothing is attached.
    expect(errorOf(() => deleteCertificate(del(), world.cert(), new Map())).code).toBe('CertificateStateException');
    world.certificateDo({ type: 'UpdateCertificate', caller: A, certificateId: ID, newStatus: 'INACTIVE', caStatus: null, now: T0, generationId: 'g3' });
    expect(deleteCertificate(del(), world.cert(), new Map()).certificate.map((e) => e.type)).toEqual([IOT_EVENT_TYPES.CertificateDeleted]);
  });

  it('DeleteCertificate with a policy attached: DeleteConflictException, or with forceDelete the policy is detached on both sides', () => {
    const world = registered();
    world.addPolicy('p1');
    world.attachPolicy('p1');
    expect(errorOf(() => deleteCertificate(del(), world.cert(), new Map([['p1', world.policy('p1')]]))).code).toBe('DeleteConflictException');
    const forced = deleteCertificate(del(true), world.cert(), new Map([['p1', world.policy('p1')]]));
    expect(forced.certificate.map((e) => e.type)).toEqual([IOT_EVENT_TYPES.CertificatePolicyDetached, IOT_EVENT_TYPES.CertificateDeleted]);
    expect(forced.policies).toEqual([{ policyName: 'p1', events: [expect.objectContaining({ type: IOT_EVENT_TYPES.PolicyTargetDetached })] }]);
    expect(policies.given([...world.policies.get('p1')!, ...forced.policies[0]!.events]).state).toMatchObject({ targets: [] });
  });

  it('TransferCertificate with a policy (or a thing) attached is TransferConflictException; after detaching it transfers', () => {
    const world = registered();
    world.addPolicy('p1');
    world.addThing('lamp');
    world.attachPolicy('p1');
    certificates.given(world.certificate).when(transfer).thenThrows({ code: 'TransferConflictException', message: /policy\(ies\) p1 attached/ });
    world.detachPolicy('p1');
    world.attachThing('lamp');
    certificates.given(world.certificate).when(transfer).thenThrows({ code: 'TransferConflictException' });
    world.detachThing('lamp');
    expect(world.certificateDo(transfer).map((e) => e.type)).toEqual([IOT_EVENT_TYPES.CertificateTransferStarted]);
    // Pending transfer: nothing new can be attached.
    expect(errorOf(() => world.attachPolicy('p1')).code).toBe('InvalidRequestException');
  });

  it('Accept/Reject by the sending owner and Cancel by the target are UnauthorizedException; other accounts get ResourceNotFoundException', () => {
    const world = registered();
    world.certificateDo(transfer);
    const pending = certificates.given(world.certificate);
    const accept = (caller: string): CertificateCommand => ({ type: 'AcceptCertificateTransfer', caller, certificateId: ID, setAsActive: false, region: 'us-east-1', now: T0, generationId: 'g4' });
    const reject = (caller: string): CertificateCommand => ({ type: 'RejectCertificateTransfer', caller, certificateId: ID, rejectReason: null, now: T0, generationId: 'g4' });
    const cancel = (caller: string): CertificateCommand => ({ type: 'CancelCertificateTransfer', caller, certificateId: ID, now: T0, generationId: 'g4' });
    pending.when(accept(A)).thenThrows({ code: 'UnauthorizedException', kind: 'Forbidden', message: /Only the target account 222222222222/ });
    pending.when(reject(A)).thenThrows({ code: 'UnauthorizedException' });
    pending.when(cancel(B)).thenThrows({ code: 'UnauthorizedException' });
    for (const command of [accept('333333333333'), reject('333333333333'), cancel('333333333333')]) pending.when(command).thenThrows({ code: 'ResourceNotFoundException' });
    expect(pending.when(accept(B)).events()).toHaveLength(1);
  });

  it('attach rules: unknown thing/policy/certificate, other accounts, exclusivity and the 10-policy limit', () => {
    const world = registered();
    expect(errorOf(() => attachThingPrincipal({ caller: A, thingName: 'nope', principal, thingPrincipalType: 'NON_EXCLUSIVE_THING', now: T0 }, initialThingState, world.cert())).code).toBe('ResourceNotFoundException');
    world.addThing('lamp');
    world.addThing('fan');
    expect(errorOf(() => world.attachThing('lamp', 'NON_EXCLUSIVE_THING', B)).code).toBe('ResourceNotFoundException');
    expect(errorOf(() => attachThingPrincipal({ caller: A, thingName: 'lamp', principal, thingPrincipalType: 'NON_EXCLUSIVE_THING', now: T0 }, world.thing('lamp'), initialCertificateState)).code).toBe(
      'ResourceNotFoundException',
    );
    world.attachThing('lamp', 'EXCLUSIVE_THING');
    expect(world.attachThing('lamp', 'EXCLUSIVE_THING')).toEqual({ thing: [], certificate: [] });
    expect(errorOf(() => world.attachThing('fan')).message).toMatch(/exclusively \(EXCLUSIVE_THING\) to the thing lamp/);
    world.detachThing('lamp');
    world.attachThing('lamp');
    expect(errorOf(() => world.attachThing('fan', 'EXCLUSIVE_THING')).code).toBe('InvalidRequestException');
    world.attachThing('fan');
    expect(world.cert()).toMatchObject({ things: [{ thingName: 'lamp' }, { thingName: 'fan' }] });

    expect(errorOf(() => attachPolicy({ caller: A, policyName: 'none', target: principal, now: T0 }, initialPolicyState, world.cert())).code).toBe('ResourceNotFoundException');
    for (let i = 0; i < 10; i++) {
      world.addPolicy(`p${i}`);
      world.attachPolicy(`p${i}`);
    }
    world.addPolicy('p10');
    expect(errorOf(() => world.attachPolicy('p10')).code).toBe('LimitExceededException');
    expect(world.attachPolicy('p0')).toEqual({ policy: [], certificate: [] });
    expect(errorOf(() => detachPolicy({ caller: A, policyName: 'p0', target: principal, now: T0 }, world.policy('p0'), initialCertificateState)).code).toBe('InvalidRequestException');
  });
});

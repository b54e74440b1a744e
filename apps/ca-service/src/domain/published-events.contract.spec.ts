import { CA_EVENT_TYPES, POLICY_EVENT_TYPES, type NewEvent } from '@pki/contracts';
import type { ASN1Subject } from '@pki/pki';
import { contractProblems } from '@pki/testing';
import { readOfferedImport } from '../application/ca-certificate-reader';
import { csrPem, ecKey, externalHierarchy, issue } from './ca-hierarchy.spec-helper';
import { decide, evolve, initialState, type CertificateAuthorityCommand, type CertificateAuthorityState } from './certificate-authority.decider';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand } from './policy.decider';

const DAY = 86_400_000;
const T0 = new Date('2026-11-22T10:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const SUBJECT: ASN1Subject = { Country: 'US', Organization: 'Example Corp', CommonName: 'Example CA' };

/** Every event `commands` produce, in order, for one new CA. */
function lifecycle(n: number, ...commands: CertificateAuthorityCommand[]): NewEvent[] {
  const id = `11111111-2222-3333-4444-${String(n).padStart(12, '0')}`;
  const create: CertificateAuthorityCommand = {
    type: 'CreateCertificateAuthority',
    certificateAuthorityId: id,
    arn: `arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/${id}`,
    ownerAccount: '000000000000',
    now: T0,
    input: {
      CertificateAuthorityType: n === 1 ? 'ROOT' : 'SUBORDINATE',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: SUBJECT },
      RevocationConfiguration: n === 1 ? { OcspConfiguration: { Enabled: true } } : undefined,
      Tags: n === 1 ? [{ Key: 'team', Value: 'pki' }] : undefined,
      IdempotencyToken: n === 1 ? 'token' : undefined,
    },
  };
  let state: CertificateAuthorityState = initialState;
  const events: NewEvent[] = [];
  for (const command of [create, ...commands]) {
    const decided = decide(command, state);
    state = decided.reduce(evolve, state);
    events.push(...decided);
  }
  return events;
}

describe("ca-service's published events keep their contracts (libs/contracts schemas)", () => {
  it('every CA lifecycle event and policy event, as the deciders write them', async () => {
    const key = ecKey();
    const csr: CertificateAuthorityCommand = { type: 'RecordCsr', csr: await csrPem(key, SUBJECT), publicKeySpki: key.spki.toString('base64'), now: T0 };
    const h = await externalHierarchy(T0);
    const rootCert = await issue({ issuerKey: key, issuerSubject: SUBJECT, subject: SUBJECT, spki: key.spki, notBefore: h.notBefore, notAfter: at(730) });
    const subordinateCert = await issue({ issuerKey: h.intermediateKey, issuerSubject: h.intermediateSubject, subject: SUBJECT, spki: key.spki, notBefore: h.notBefore, notAfter: at(365) });
    const update = (status: string | undefined, revocationConfiguration?: object): CertificateAuthorityCommand => ({ type: 'UpdateCertificateAuthority', status, revocationConfiguration: revocationConfiguration as never, now: T0 });

    const events = [
      ...lifecycle(
        1,
        csr,
        { type: 'ImportCertificateAuthorityCertificate', offered: readOfferedImport(rootCert, undefined), now: T0 },
        update('DISABLED'),
        update('ACTIVE'),
        { type: 'TagCertificateAuthority', tags: [{ Key: 'env' }, { Key: 'team', Value: 'x509' }], now: T0 },
        { type: 'UntagCertificateAuthority', tags: [{ Key: 'env' }], now: T0 },
        update('DISABLED', { CrlConfiguration: { Enabled: true, ExpirationInDays: 7, S3BucketName: 'crl-bucket' } }),
        { type: 'DeleteCertificateAuthority', permanentDeletionTimeInDays: 7, now: T0 },
        { type: 'RestoreCertificateAuthority', now: at(1) },
        { type: 'DeleteCertificateAuthority', permanentDeletionTimeInDays: undefined, now: at(1) },
        { type: 'RemovePermanently', now: at(40) },
      ),
      ...lifecycle(2, { type: 'RecordCreationFailure', failureReason: 'UNSUPPORTED_ALGORITHM', detail: 'no such curve', now: T0 }),
      ...lifecycle(3, csr, { type: 'ImportCertificateAuthorityCertificate', offered: readOfferedImport(subordinateCert, h.intermediate + h.root), now: T0 }, { type: 'Expire', now: at(366) }),
    ];
    const ca = { certificateAuthorityId: 'c', caArn: 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/c', ownerAccount: '000000000000', caStatus: 'ACTIVE', now: T0 };
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 'acm-pca:DescribeCertificateAuthority', Resource: ca.caArn }] });
    let policyState = initialPolicyState;
    for (const command of [{ type: 'PutPolicy', ...ca, policy }, { type: 'DeletePolicy', ...ca }] as PolicyCommand[]) {
      const decided = decidePolicy(command, policyState);
      policyState = decided.reduce(evolvePolicy, policyState);
      events.push(...decided);
    }

    expect(new Set(events.map((e) => e.type))).toEqual(new Set([...Object.values(CA_EVENT_TYPES), ...Object.values(POLICY_EVENT_TYPES)]));
    expect(contractProblems(events)).toEqual([]);
  });
});

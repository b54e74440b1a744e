import { basicConstraintsExtension, customExtension, keyUsageExtension } from '@pki/pki';
import { deciderSpec } from '@pki/testing';
import { readOfferedImport } from '../application/ca-certificate-reader';
import { criticalExtension, csrPem, ecKey, externalHierarchy, issue, type SoftwareKey } from './ca-hierarchy.spec-helper';
import { decide, evolve, initialState, type CertificateAuthorityCommand } from './certificate-authority.decider';
import type { CertificateAuthorityEvent } from './certificate-authority.events';
import type { ASN1Subject } from '@pki/pki';

const DAY = 86_400_000;
const T0 = new Date('2026-11-22T10:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const id = '11111111-2222-3333-4444-555555555555';
const arn = `arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/${id}`;
const SUBJECT: ASN1Subject = { Country: 'US', Organization: 'Example Corp', CommonName: 'Example CA' };

const { given, history } = deciderSpec({ decide, evolve, initialState });

const createCmd = (type: 'ROOT' | 'SUBORDINATE'): CertificateAuthorityCommand => ({
  type: 'CreateCertificateAuthority',
  certificateAuthorityId: id,
  arn,
  ownerAccount: '000000000000',
  now: T0,
  input: {
    CertificateAuthorityType: type,
    CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: SUBJECT },
    Tags: [{ Key: 'team', Value: 'pki' }],
  },
});

let caKey: SoftwareKey;
let csr: string;
let h: Awaited<ReturnType<typeof externalHierarchy>>;
let rootCert: string;
let subordinateCert: string;

const recordCsr = (): CertificateAuthorityCommand => ({ type: 'RecordCsr', csr, publicKeySpki: caKey.spki.toString('base64'), now: T0 });
const importCmd = (certificate: string, certificateChain?: string, now = T0): CertificateAuthorityCommand => ({ type: 'ImportCertificateAuthorityCertificate', offered: readOfferedImport(certificate, certificateChain), now });
const update = (status: string | undefined, now = T0, revocationConfiguration?: Record<string, unknown>): CertificateAuthorityCommand => ({
  type: 'UpdateCertificateAuthority',
  status,
  revocationConfiguration: revocationConfiguration as never,
  now,
});
const del = (days?: number, now = T0): CertificateAuthorityCommand => ({ type: 'DeleteCertificateAuthority', permanentDeletionTimeInDays: days, now });
const restoreCmd = (now = T0): CertificateAuthorityCommand => ({ type: 'RestoreCertificateAuthority', now });

beforeAll(async () => {
  caKey = ecKey();
  csr = await csrPem(caKey, SUBJECT);
  h = await externalHierarchy(T0);
  // Valid for two years from T0 - 1 day.
  rootCert = await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(730) });
  subordinateCert = await issue({ issuerKey: h.intermediateKey, issuerSubject: h.intermediateSubject, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(365) });
});

const pending = (type: 'ROOT' | 'SUBORDINATE' = 'ROOT') => history(createCmd(type), recordCsr());
const active = () => history(createCmd('ROOT'), recordCsr(), importCmd(rootCert));

describe('CertificateAuthority lifecycle (given/when/then)', () => {
  describe('key pair and CSR', () => {
    it('given CREATING, when the CSR is recorded, then CsrCreated and PENDING_CERTIFICATE', () => {
      const g = given(history(createCmd('ROOT')));
      g.when(recordCsr()).then([
        {
          type: 'CsrCreated',
          schemaVersion: 1,
          data: { certificateAuthorityId: id, arn, csr, publicKeySpki: caKey.spki.toString('base64'), keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', status: 'PENDING_CERTIFICATE', createdAt: T0.toISOString() },
        },
      ]);
      expect(g.when(recordCsr()).state().status).toBe('PENDING_CERTIFICATE');
    });

    it('given CREATING, when creation fails, then CertificateAuthorityCreationFailed and FAILED with the reason', () => {
      const g = given(history(createCmd('ROOT')));
      const failing = g.when({ type: 'RecordCreationFailure', failureReason: 'REQUEST_TIMED_OUT', detail: 'HSM unreachable', now: T0 });
      expect(failing.events()[0]).toMatchObject({ type: 'CertificateAuthorityCreationFailed', data: { failureReason: 'REQUEST_TIMED_OUT', status: 'FAILED' } });
      expect(failing.state()).toMatchObject({ status: 'FAILED', failureReason: 'REQUEST_TIMED_OUT' });
    });
  });

  describe('import', () => {
    it('given PENDING_CERTIFICATE (root), when a self-signed certificate for its key is imported, then CertificateImported with its facts and ACTIVE', () => {
      const g = given(pending());
      const [event] = g.when(importCmd(rootCert)).events();
      expect(event).toMatchObject({
        type: 'CertificateImported',
        data: { certificateChain: null, serial: '1234abcd', notAfter: at(730).toISOString(), previousStatus: 'PENDING_CERTIFICATE', status: 'ACTIVE', subject: 'C=US, O=Example Corp, CN=Example CA' },
      });
      expect(g.when(importCmd(rootCert)).state().status).toBe('ACTIVE');
    });

    it('given PENDING_CERTIFICATE (subordinate), when a certificate with its chain (root last) is imported, then ACTIVE', () => {
      const [event] = given(pending('SUBORDINATE')).when(importCmd(subordinateCert, h.intermediate + h.root)).events();
      expect(event).toMatchObject({ type: 'CertificateImported', data: { certificateChain: h.intermediate + h.root, issuer: 'O=External Corp, CN=External Intermediate' } });
    });

    it('given ACTIVE, when a new certificate for the same key is imported, then CertificateImported (re-import)', () => {
      const [event] = given(active()).when(importCmd(rootCert)).events();
      expect(event).toMatchObject({ type: 'CertificateImported', data: { previousStatus: 'ACTIVE' } });
    });

    type Case = [string, 'ROOT' | 'SUBORDINATE', () => Promise<[string, string | undefined]>, string, RegExp];
    const cases: Case[] = [
      ['a root certificate that is not self-signed', 'ROOT', async () => [subordinateCert, undefined], 'InvalidRequestException', /Only a self-signed certificate/],
      ['a root certificate with a chain', 'ROOT', async () => [rootCert, h.root], 'InvalidRequestException', /without a certificate chain/],
      ['a self-signed certificate for a subordinate', 'SUBORDINATE', async () => [rootCert, h.root], 'InvalidRequestException', /self-signed certificate cannot be imported as a subordinate/],
      ['a subordinate certificate without its chain', 'SUBORDINATE', async () => [subordinateCert, undefined], 'InvalidRequestException', /needs its CertificateChain/],
      [
        'a certificate for another key',
        'SUBORDINATE',
        async () => [await issue({ issuerKey: h.intermediateKey, issuerSubject: h.intermediateSubject, subject: SUBJECT, spki: ecKey().spki, notBefore: h.notBefore, notAfter: at(30) }), h.intermediate + h.root],
        'CertificateMismatchException',
        /public key is not this CA's key/,
      ],
      [
        'a certificate with another subject',
        'SUBORDINATE',
        async () => [await issue({ issuerKey: h.intermediateKey, issuerSubject: h.intermediateSubject, subject: { CommonName: 'Someone else' }, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(30) }), h.intermediate + h.root],
        'CertificateMismatchException',
        /subject "CN=Someone else" is not the subject of this CA's CSR/,
      ],
      ['a chain with the root first', 'SUBORDINATE', async () => [subordinateCert, h.root + h.intermediate], 'InvalidRequestException', /out of order/],
      ['a chain without the root', 'SUBORDINATE', async () => [subordinateCert, h.intermediate], 'InvalidRequestException', /self-signed root CA certificate/],
      ['a chain that includes the CA certificate', 'SUBORDINATE', async () => [subordinateCert, subordinateCert + h.intermediate + h.root], 'InvalidRequestException', /must not include the CA certificate/],
      [
        'a chain whose intermediate was not signed by the next certificate',
        'SUBORDINATE',
        async () => {
          const impostorKey = ecKey();
          const impostorRoot = await issue({ issuerKey: impostorKey, issuerSubject: h.rootSubject, subject: h.rootSubject, spki: impostorKey.spki, notBefore: h.notBefore, notAfter: at(300) });
          return [subordinateCert, h.intermediate + impostorRoot];
        },
        'CertificateMismatchException',
        /Chain certificate 1 .* is not signed by chain certificate 2/,
      ],
      [
        'a chain whose root limits the path length to 0 above an intermediate',
        'SUBORDINATE',
        async () => {
          const limited = await externalHierarchy(T0, { rootPathLength: 0 });
          const cert = await issue({ issuerKey: limited.intermediateKey, issuerSubject: limited.intermediateSubject, subject: SUBJECT, spki: caKey.spki, notBefore: limited.notBefore, notAfter: at(30) });
          return [cert, limited.intermediate + limited.root];
        },
        'CertificateMismatchException',
        /path length of 0/,
      ],
      [
        'a certificate that is not a CA certificate',
        'ROOT',
        async () => [await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(30), extensions: [basicConstraintsExtension({ ca: false })] }), undefined],
        'MalformedCertificateException',
        /cA=TRUE/,
      ],
      [
        'a certificate whose basicConstraints is not critical',
        'ROOT',
        async () => [await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(30), extensions: [basicConstraintsExtension({ ca: true, critical: false })] }), undefined],
        'MalformedCertificateException',
        /must be marked critical/,
      ],
      [
        'a certificate with critical name constraints',
        'ROOT',
        async () => [
          await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(30), extensions: [basicConstraintsExtension({ ca: true }), criticalExtension('2.5.29.30')] }),
          undefined,
        ],
        'MalformedCertificateException',
        /marks name constraints \(2\.5\.29\.30\) critical/,
      ],
      [
        'a certificate with a critical private extension',
        'ROOT',
        async () => [
          await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(30), extensions: [basicConstraintsExtension({ ca: true }), criticalExtension('1.3.6.1.4.1.99999.1')] }),
          undefined,
        ],
        'MalformedCertificateException',
        /extension 1\.3\.6\.1\.4\.1\.99999\.1/,
      ],
      [
        'a chain certificate with critical CRL distribution points',
        'SUBORDINATE',
        async () => {
          const badIntermediate = await issue({
            issuerKey: h.rootKey,
            issuerSubject: h.rootSubject,
            subject: h.intermediateSubject,
            spki: h.intermediateKey.spki,
            notBefore: h.notBefore,
            notAfter: at(300),
            extensions: [basicConstraintsExtension({ ca: true }), criticalExtension('2.5.29.31')],
          });
          return [subordinateCert, badIntermediate + h.root];
        },
        'MalformedCertificateException',
        /Chain certificate 1 marks CRL distribution points/,
      ],
      [
        'a certificate without keyCertSign',
        'ROOT',
        async () => [
          await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: h.notBefore, notAfter: at(30), extensions: [basicConstraintsExtension({ ca: true }), keyUsageExtension({ DigitalSignature: true })] }),
          undefined,
        ],
        'MalformedCertificateException',
        /without keyCertSign/,
      ],
      ['an expired certificate', 'ROOT', async () => [await issue({ issuerKey: caKey, issuerSubject: SUBJECT, subject: SUBJECT, spki: caKey.spki, notBefore: at(-30), notAfter: at(-1) }), undefined], 'MalformedCertificateException', /expired at/],
      ['a certificate over 32 KB', 'ROOT', async () => [rootCert + ' '.repeat(32 * 1024), undefined], 'MalformedCertificateException', /maximum allowed size of a certificate is 32 KB/],
      ['a chain over 2 MB', 'SUBORDINATE', async () => [subordinateCert, h.intermediate + h.root + '\n'.repeat(2 * 1024 * 1024)], 'MalformedCertificateException', /maximum allowed size of a certificate chain is 2 MB/],
      ['a certificate that is not PEM', 'ROOT', async () => ['MIIB-not-pem', undefined], 'MalformedCertificateException', /must be PEM-encoded/],
      ['two certificates in Certificate', 'ROOT', async () => [rootCert + rootCert, undefined], 'MalformedCertificateException', /exactly one PEM certificate/],
      ['a CSR instead of a certificate', 'ROOT', async () => [csr, undefined], 'MalformedCertificateException', /CERTIFICATE REQUEST/],
    ];

    it.each(cases)('refuses %s', async (_name, type, make, code, message) => {
      const [certificate, chain] = await make();
      given(pending(type)).when(importCmd(certificate, chain)).thenThrows({ code, message });
    });

    it('accepts allowed critical extensions (key usage, certificate policies, subject key identifier)', async () => {
      const cert = await issue({
        issuerKey: caKey,
        issuerSubject: SUBJECT,
        subject: SUBJECT,
        spki: caKey.spki,
        notBefore: h.notBefore,
        notAfter: at(30),
        extensions: [basicConstraintsExtension({ ca: true }), keyUsageExtension({ KeyCertSign: true }), customExtension({ oid: '2.5.29.14', critical: true, valueDer: Buffer.from([4, 2, 1, 2]) })],
      });
      expect(given(pending()).when(importCmd(cert)).events()[0]!.type).toBe('CertificateImported');
    });

    it('refuses a certificate for a CSR-less CA with RequestInProgressException while CREATING', () => {
      given(history(createCmd('ROOT'))).when(importCmd(rootCert)).thenThrows({ code: 'RequestInProgressException' });
    });
  });

  describe('update', () => {
    it('given ACTIVE, when disabled, then StatusChanged to DISABLED; and enabled again', () => {
      given(active())
        .when(update('DISABLED'))
        .then([{ type: 'StatusChanged', schemaVersion: 1, data: { certificateAuthorityId: id, arn, previousStatus: 'ACTIVE', status: 'DISABLED', changedAt: T0.toISOString() } }]);
      const disabled = given(active()).when(update('DISABLED')).events();
      const enabled = given([...active(), ...disabled]).when(update('ACTIVE')).events();
      expect(enabled[0]).toMatchObject({ type: 'StatusChanged', data: { previousStatus: 'DISABLED', status: 'ACTIVE' } });
    });

    it('given ACTIVE, when set to ACTIVE, then nothing happens', () => {
      given(active()).when(update('ACTIVE')).then([]);
    });

    it('refuses a Status other than ACTIVE or DISABLED (InvalidArgsException)', () => {
      given(active()).when(update('DELETED')).thenThrows({ code: 'InvalidArgsException' });
    });

    it('given DISABLED with an expired certificate, when enabled, then InvalidStateException', () => {
      given(history(createCmd('ROOT'), recordCsr(), importCmd(rootCert), update('DISABLED'))).when(update('ACTIVE', at(731))).thenThrows({ code: 'InvalidStateException', message: /expired/ });
    });

    it('merges a RevocationConfiguration: a mechanism left out keeps its settings', () => {
      const [event] = given(active()).when(update(undefined, T0, { OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' } })).events();
      expect(event).toMatchObject({
        type: 'RevocationConfigurationUpdated',
        data: { revocationConfiguration: { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' } } },
      });
    });

    it('refuses an invalid RevocationConfiguration (InvalidArgsException) and writes nothing', () => {
      given(active()).when(update('DISABLED', T0, { CrlConfiguration: { Enabled: true } })).thenThrows({ code: 'InvalidArgsException' });
    });

    it('switches a CA between COMPLETE and PARTITIONED CRLs (each certificate keeps the CRL its CDP names)', () => {
      const crl = { Enabled: true, S3BucketName: 'crls', CrlType: 'PARTITIONED', CustomPath: 'pki/crls' } as const;
      const [event] = given(active()).when(update(undefined, T0, { CrlConfiguration: crl })).events();
      expect(event!.data).toMatchObject({ revocationConfiguration: { CrlConfiguration: crl } });
    });
  });

  describe('delete, restore, permanent removal', () => {
    it('given DISABLED, when deleted, then DELETED restorable for 30 days by default', () => {
      const [event] = given(history(createCmd('ROOT'), recordCsr(), importCmd(rootCert), update('DISABLED'))).when(del()).events();
      expect(event).toMatchObject({ type: 'CertificateAuthorityDeleted', data: { previousStatus: 'DISABLED', permanentDeletionTimeInDays: 30, restorableUntil: at(30).toISOString(), status: 'DELETED' } });
    });

    it('given PENDING_CERTIFICATE, when deleted for 7 days and restored on day 6, then PENDING_CERTIFICATE with its CSR', () => {
      const deleted = [...pending(), ...given(pending()).when(del(7)).events()];
      const g = given(deleted);
      expect(g.state).toMatchObject({ status: 'DELETED', restorableUntil: at(7).toISOString() });
      const restored = g.when(restoreCmd(at(6)));
      restored.then([{ type: 'CertificateAuthorityRestored', schemaVersion: 1, data: { certificateAuthorityId: id, arn, status: 'PENDING_CERTIFICATE', restoredAt: at(6).toISOString() } }]);
      expect(restored.state()).toMatchObject({ status: 'PENDING_CERTIFICATE', csr: { csr } });
    });

    it('given DELETED, when restored after the window, then InvalidStateException', () => {
      given(history(createCmd('ROOT'), del(7))).when(restoreCmd(at(7))).thenThrows({ code: 'InvalidStateException', message: /restoration period ended/ });
    });

    it('given DELETED, when removed permanently inside the window, then InvalidStateException; after it, PermanentlyDeleted and then nothing exists', () => {
      const deleted = history(createCmd('ROOT'), del(7));
      given(deleted).when({ type: 'RemovePermanently', now: at(6) }).thenThrows({ code: 'InvalidStateException' });
      const removed = given(deleted).when({ type: 'RemovePermanently', now: at(7) }).events();
      expect(removed[0]).toMatchObject({ type: 'CertificateAuthorityPermanentlyDeleted', data: { deletedAt: T0.toISOString(), permanentlyDeletedAt: at(7).toISOString() } });
      const gone = given([...deleted, ...removed]);
      expect(gone.state.status).toBe('PERMANENTLY_DELETED');
      gone.when(restoreCmd(at(8))).thenThrows({ code: 'ResourceNotFoundException' });
      gone.when({ type: 'TagCertificateAuthority', tags: [{ Key: 'a' }], now: at(8) }).thenThrows({ code: 'ResourceNotFoundException' });
    });

    it('refuses PermanentDeletionTimeInDays outside 7..30', () => {
      given(pending()).when(del(6)).thenThrows({ code: 'ValidationException' });
      given(pending()).when(del(31)).thenThrows({ code: 'ValidationException' });
    });
  });

  describe('expiry', () => {
    it('given ACTIVE, when the certificate notAfter passed, then CertificateAuthorityExpired; before it, InvalidStateException', () => {
      const g = given(active());
      g.when({ type: 'Expire', now: at(729) }).thenThrows({ code: 'InvalidStateException' });
      const [event] = g.when({ type: 'Expire', now: at(730) }).events();
      expect(event).toMatchObject({ type: 'CertificateAuthorityExpired', data: { previousStatus: 'ACTIVE', notAfter: at(730).toISOString(), status: 'EXPIRED' } });
    });
  });

  describe('tags', () => {
    const tag = (tags: Array<{ Key: string; Value?: string }>): CertificateAuthorityCommand => ({ type: 'TagCertificateAuthority', tags, now: T0 });
    const untag = (tags: Array<{ Key: string; Value?: string }>): CertificateAuthorityCommand => ({ type: 'UntagCertificateAuthority', tags, now: T0 });

    it('adds and overwrites by key', () => {
      const [event] = given(pending()).when(tag([{ Key: 'team', Value: 'security' }, { Key: 'env' }])).events();
      expect(event).toMatchObject({ type: 'Tagged', data: { tags: [{ Key: 'team', Value: 'security' }, { Key: 'env', Value: null }], allTags: [{ Key: 'team', Value: 'security' }, { Key: 'env', Value: null }] } });
    });

    it('allows 50 tags and refuses the 51st (TooManyTagsException)', () => {
      const fortyNine = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      const full = [...pending(), ...given(pending()).when(tag(fortyNine)).events()];
      expect(given(full).state).toMatchObject({ tags: expect.arrayContaining([{ Key: 'k48', Value: 'v' }]) });
      given(full).when(tag([{ Key: 'one-more' }])).thenThrows({ code: 'TooManyTagsException', message: /at most 50 tags/ });
      expect(given(full).when(tag([{ Key: 'k1', Value: 'overwritten' }])).events()).toHaveLength(1);
    });

    it('refuses reserved and duplicate keys (InvalidTagException)', () => {
      given(pending()).when(tag([{ Key: 'aws:x', Value: 'v' }])).thenThrows({ code: 'InvalidTagException' });
      given(pending()).when(tag([{ Key: 'a' }, { Key: 'a', Value: 'b' }])).thenThrows({ code: 'InvalidTagException' });
      given(pending()).when(untag([{ Key: 'aws:x' }])).thenThrows({ code: 'InvalidTagException' });
    });

    it('removes a tag only when the given value matches; without a value, whatever its value', () => {
      const tagged = [...pending(), ...given(pending()).when(tag([{ Key: 'env', Value: 'prod' }])).events()];
      given(tagged).when(untag([{ Key: 'env', Value: 'dev' }])).then([]);
      expect(given(tagged).when(untag([{ Key: 'env', Value: 'prod' }])).events()[0]).toMatchObject({ type: 'Untagged', data: { tags: [{ Key: 'env', Value: 'prod' }], allTags: [{ Key: 'team', Value: 'pki' }] } });
      expect(given(tagged).when(untag([{ Key: 'team' }])).events()[0]).toMatchObject({ data: { tags: [{ Key: 'team', Value: 'pki' }] } });
    });
  });

  describe('every command in every status', () => {
    type Status = 'CREATING' | 'PENDING_CERTIFICATE' | 'ACTIVE' | 'DISABLED' | 'EXPIRED' | 'FAILED' | 'DELETED' | 'PERMANENTLY_DELETED';
    const reach = (status: Status): CertificateAuthorityEvent[] => {
      switch (status) {
        case 'CREATING':
          return history(createCmd('ROOT'));
        case 'PENDING_CERTIFICATE':
          return pending();
        case 'ACTIVE':
          return active();
        case 'DISABLED':
          return history(createCmd('ROOT'), recordCsr(), importCmd(rootCert), update('DISABLED'));
        case 'EXPIRED':
          return history(createCmd('ROOT'), recordCsr(), importCmd(rootCert), { type: 'Expire', now: at(800) });
        case 'FAILED':
          return history(createCmd('ROOT'), { type: 'RecordCreationFailure', failureReason: 'OTHER', detail: 'x', now: T0 });
        case 'DELETED':
          return history(createCmd('ROOT'), recordCsr(), del());
        case 'PERMANENTLY_DELETED':
          return history(createCmd('ROOT'), del(7), { type: 'RemovePermanently', now: at(8) });
      }
    };
    const commands: Record<string, () => CertificateAuthorityCommand> = {
      RecordCsr: recordCsr,
      RecordCreationFailure: () => ({ type: 'RecordCreationFailure', failureReason: 'OTHER', detail: 'x', now: T0 }),
      Import: () => importCmd(rootCert),
      Disable: () => update('DISABLED'),
      Enable: () => update('ACTIVE'),
      Delete: () => del(),
      Restore: () => restoreCmd(),
      Expire: () => ({ type: 'Expire', now: at(800) }),
      Tag: () => ({ type: 'TagCertificateAuthority', tags: [{ Key: 'new' }], now: T0 }),
    };
    const IS = 'InvalidStateException';
    const NF = 'ResourceNotFoundException';
    // Expected: an event type, [] for "nothing to do", or the exception.
    const table: Record<Status, Record<string, string>> = {
      CREATING: { RecordCsr: 'CsrCreated', RecordCreationFailure: 'CertificateAuthorityCreationFailed', Import: 'RequestInProgressException', Disable: IS, Enable: IS, Delete: 'CertificateAuthorityDeleted', Restore: IS, Expire: IS, Tag: 'Tagged' },
      PENDING_CERTIFICATE: { RecordCsr: IS, RecordCreationFailure: IS, Import: 'CertificateImported', Disable: IS, Enable: IS, Delete: 'CertificateAuthorityDeleted', Restore: IS, Expire: IS, Tag: 'Tagged' },
      ACTIVE: { RecordCsr: IS, RecordCreationFailure: IS, Import: 'CertificateImported', Disable: 'StatusChanged', Enable: '[]', Delete: IS, Restore: IS, Expire: 'CertificateAuthorityExpired', Tag: 'Tagged' },
      DISABLED: { RecordCsr: IS, RecordCreationFailure: IS, Import: IS, Disable: '[]', Enable: 'StatusChanged', Delete: 'CertificateAuthorityDeleted', Restore: IS, Expire: 'CertificateAuthorityExpired', Tag: 'Tagged' },
      EXPIRED: { RecordCsr: IS, RecordCreationFailure: IS, Import: 'CertificateImported', Disable: IS, Enable: IS, Delete: 'CertificateAuthorityDeleted', Restore: IS, Expire: IS, Tag: 'Tagged' },
      FAILED: { RecordCsr: IS, RecordCreationFailure: IS, Import: IS, Disable: IS, Enable: IS, Delete: 'CertificateAuthorityDeleted', Restore: IS, Expire: IS, Tag: 'Tagged' },
      DELETED: { RecordCsr: IS, RecordCreationFailure: IS, Import: IS, Disable: IS, Enable: IS, Delete: IS, Restore: 'CertificateAuthorityRestored', Expire: IS, Tag: IS },
      PERMANENTLY_DELETED: { RecordCsr: NF, RecordCreationFailure: NF, Import: NF, Disable: NF, Enable: NF, Delete: NF, Restore: NF, Expire: NF, Tag: NF },
    };
    const rows = Object.entries(table).flatMap(([status, row]) => Object.entries(row).map(([command, expected]) => [status as Status, command, expected] as const));

    it.each(rows)('given %s, when %s, then %s', (status, command, expected) => {
      const g = given(reach(status));
      expect(g.state.status).toBe(status);
      if (expected.endsWith('Exception')) {
        const error = g.when(commands[command]!()).thenThrows({ code: expected });
        if (expected === IS) expect(error.message).toContain(status);
      } else {
        const events = g.when(commands[command]!()).events();
        expect(events.length === 0 ? '[]' : events[0]!.type).toBe(expected);
      }
    });
  });
});

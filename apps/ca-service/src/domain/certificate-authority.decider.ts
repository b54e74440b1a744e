import { DomainError } from '@pki/contracts';
import { isKeyAlgorithm, isSigningAlgorithm, KEY_ALGORITHMS, signingAlgorithmMatchesKey, SIGNING_ALGORITHMS, unsupportedAlgorithmReason } from '@pki/pki';
import { inspectCaCertificateImport } from './ca-certificate-import';
import { checkCsrContents, csrSubjectDer } from './ca-csr';
import { checkTagKeys, mergeTags, normalizeTags, removeTags } from './ca-tags';
import type { CertificateAuthorityEvent } from './certificate-authority.events';
import type { CertificateAuthorityCommand } from './certificate-authority.commands';
import type { CertificateAuthorityState } from './certificate-authority.state';
import type { CreateCertificateAuthorityInput, RevocationConfiguration } from './certificate-authority.types';

export { initialState, type CertificateAuthorityState } from './certificate-authority.state';
export type { CertificateAuthorityCommand } from './certificate-authority.commands';
export { evolve } from './certificate-authority.evolve';

const invalidArgs = (message: string) => new DomainError('Malformed', message, 'InvalidArgsException');

/** The STANDARD subject attributes; AWS forbids mixing them with CustomAttributes. */
const STANDARD_SUBJECT_KEYS = [
  'Country', 'Organization', 'OrganizationalUnit', 'DistinguishedNameQualifier', 'State', 'CommonName', 'SerialNumber',
  'Locality', 'Title', 'Surname', 'GivenName', 'Initials', 'Pseudonym', 'GenerationQualifier',
] as const;

/**
 * KeyAlgorithm and SigningAlgorithm: the gateway admits every value of the model's enums, so the
 * ones this platform cannot do (SM2, SM3WITHSM2) are refused here, before anything is written,
 * rather than failing later in the key backend; then "the specified signing algorithm family
 * (RSA or ECDSA) must match the algorithm family of the CA's private key" (User Guide,
 * "Supported cryptographic algorithms"), and an ML-DSA key signs with the ML-DSA algorithm of
 * its own parameter set (KeyAlgorithm ML_DSA_65 with SigningAlgorithm ML_DSA_65).
 */
function checkKeyAndSigningAlgorithm(input: CreateCertificateAuthorityInput): void {
  const { KeyAlgorithm, SigningAlgorithm } = input.CertificateAuthorityConfiguration;
  const key: string = KeyAlgorithm;
  const signing: string = SigningAlgorithm;
  if (!isKeyAlgorithm(key)) {
    const reason = unsupportedAlgorithmReason(key) ?? `KeyAlgorithm ${JSON.stringify(key)} is not supported.`;
    throw invalidArgs(`${reason} Use KeyAlgorithm ${KEY_ALGORITHMS.join(', ')}.`);
  }
  if (!isSigningAlgorithm(signing)) {
    const reason = unsupportedAlgorithmReason(signing) ?? `SigningAlgorithm ${JSON.stringify(signing)} is not supported.`;
    throw invalidArgs(`${reason} Use SigningAlgorithm ${SIGNING_ALGORITHMS.join(', ')}.`);
  }
  if (!signingAlgorithmMatchesKey(key, signing)) {
    throw invalidArgs(`The signing algorithm ${SigningAlgorithm} cannot be used with the key algorithm ${KeyAlgorithm}.`);
  }
}

function checkSubject(input: CreateCertificateAuthorityInput): void {
  const subject = input.CertificateAuthorityConfiguration.Subject;
  const standard = STANDARD_SUBJECT_KEYS.filter((key) => subject[key] !== undefined);
  const custom = subject.CustomAttributes ?? [];
  if (custom.length > 0 && standard.length > 0) {
    throw invalidArgs('Custom attributes cannot be used in combination with standard attributes in the subject.');
  }
  if (custom.length === 0 && standard.length === 0) {
    throw invalidArgs('The certificate authority subject must contain at least one attribute.');
  }
}

const CNAME_WITH_PROTOCOL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** RevocationConfiguration rules listed under CreateCertificateAuthority in the API reference. */
export function checkRevocationConfiguration(config: RevocationConfiguration | undefined): void {
  const crl = config?.CrlConfiguration;
  if (crl) {
    if (!crl.Enabled) {
      const extra = (['ExpirationInDays', 'CustomCname', 'S3BucketName', 'S3ObjectAcl', 'CustomPath'] as const).filter((k) => crl[k] !== undefined);
      if (extra.length > 0) throw invalidArgs(`A CRL configuration that disables CRLs must contain only Enabled=false, but it also sets ${extra.join(', ')}.`);
    } else {
      if (!crl.S3BucketName) throw invalidArgs('S3BucketName is required when CRLs are enabled.');
      if (crl.CustomCname !== undefined && CNAME_WITH_PROTOCOL.test(crl.CustomCname)) {
        throw invalidArgs('CustomCname must not include a protocol prefix such as "http://" or "https://".');
      }
      // CustomPath (CrlPathString) is one or more path segments without leading or trailing "/";
      // the gateway checks the pattern. A path through a dot segment would name another key than it says.
      if (crl.CustomPath !== undefined && crl.CustomPath.split('/').some((segment) => segment === '.' || segment === '..')) {
        throw invalidArgs(`CustomPath ${JSON.stringify(crl.CustomPath)} must not contain "." or ".." segments.`);
      }
    }
  }
  const ocsp = config?.OcspConfiguration;
  if (ocsp) {
    if (!ocsp.Enabled && ocsp.OcspCustomCname !== undefined) {
      throw invalidArgs('An OCSP configuration that disables OCSP must contain only Enabled=false.');
    }
    if (ocsp.OcspCustomCname !== undefined && CNAME_WITH_PROTOCOL.test(ocsp.OcspCustomCname)) {
      throw invalidArgs('OcspCustomCname must not include a protocol prefix such as "http://" or "https://".');
    }
  }
}

/** AWS reports a disabled mechanism as `{ Enabled: false }` when it was not configured. */
function normalizedRevocationConfiguration(config: RevocationConfiguration | undefined): Record<string, unknown> {
  return {
    CrlConfiguration: config?.CrlConfiguration ?? { Enabled: false },
    OcspConfiguration: config?.OcspConfiguration ?? { Enabled: false },
  };
}

const invalidState = (message: string) => new DomainError('InvalidState', message, 'InvalidStateException');

/** "Illegal transition" messages always name the CA's current status. */
function notAllowed(state: CertificateAuthorityState, action: string, allowed: readonly string[]): DomainError {
  return invalidState(`The certificate authority is in status ${state.status}; ${action} requires status ${allowed.join(' or ')}.`);
}

type Existing = Exclude<CertificateAuthorityState, { status: 'Absent' | 'PERMANENTLY_DELETED' }>;

/** Commands other than creation need a CA that exists for the API. */
function existingCa(state: CertificateAuthorityState): Existing {
  if (state.status === 'Absent' || state.status === 'PERMANENTLY_DELETED') {
    throw new DomainError('NotFound', 'Could not find the certificate authority.', 'ResourceNotFoundException');
  }
  return state;
}

const ids = (state: Existing) => ({ certificateAuthorityId: state.created.certificateAuthorityId, arn: state.created.arn });

function create(command: Extract<CertificateAuthorityCommand, { type: 'CreateCertificateAuthority' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  if (state.status !== 'Absent') {
    throw new DomainError('Conflict', `Certificate authority ${command.arn} already exists.`);
  }
  const { input } = command;
  checkKeyAndSigningAlgorithm(input);
  checkSubject(input);
  checkCsrContents(input.CertificateAuthorityConfiguration);
  checkRevocationConfiguration(input.RevocationConfiguration);
  checkTagKeys(input.Tags ?? []);
  return [
    {
      type: 'CertificateAuthorityCreated',
      schemaVersion: 1,
      data: {
        certificateAuthorityId: command.certificateAuthorityId,
        arn: command.arn,
        ownerAccount: command.ownerAccount,
        type: input.CertificateAuthorityType,
        configuration: { ...input.CertificateAuthorityConfiguration },
        revocationConfiguration: normalizedRevocationConfiguration(input.RevocationConfiguration),
        usageMode: input.UsageMode ?? 'GENERAL_PURPOSE',
        // Default documented for KeyStorageSecurityStandard. Every value of the model
        // (FIPS_140_2_LEVEL_2_OR_HIGHER, FIPS_140_2_LEVEL_3_OR_HIGHER, CCPC_LEVEL_1_OR_HIGHER) is
        // recorded as declared and reported by DescribeCertificateAuthority: none of them selects
        // or checks the key backend, whose assurance is the operator's deployment choice
        // (PKI_KEY_BACKEND), so CCPC is treated exactly like the FIPS levels. AWS refuses a
        // standard only by Region ("A certificate authority cannot be created in this region with
        // the specified security standard."); this platform has no such per-Region restriction.
        keyStorageSecurityStandard: input.KeyStorageSecurityStandard ?? 'FIPS_140_2_LEVEL_3_OR_HIGHER',
        tags: normalizeTags(input.Tags ?? []),
        createdAt: command.now.toISOString(),
        idempotencyToken: input.IdempotencyToken ?? null,
      },
    },
  ];
}

function recordCsr(command: Extract<CertificateAuthorityCommand, { type: 'RecordCsr' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (ca.status !== 'CREATING') throw notAllowed(ca, 'recording the CSR', ['CREATING']);
  const { KeyAlgorithm, SigningAlgorithm } = ca.created.configuration as unknown as CreateCertificateAuthorityInput['CertificateAuthorityConfiguration'];
  return [
    {
      type: 'CsrCreated',
      schemaVersion: 1,
      data: { ...ids(ca), csr: command.csr, publicKeySpki: command.publicKeySpki, keyAlgorithm: KeyAlgorithm, signingAlgorithm: SigningAlgorithm, status: 'PENDING_CERTIFICATE', createdAt: command.now.toISOString() },
    },
  ];
}

function recordCreationFailure(command: Extract<CertificateAuthorityCommand, { type: 'RecordCreationFailure' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (ca.status !== 'CREATING') throw notAllowed(ca, 'recording a creation failure', ['CREATING']);
  return [
    {
      type: 'CertificateAuthorityCreationFailed',
      schemaVersion: 1,
      data: { ...ids(ca), failureReason: command.failureReason, detail: command.detail, status: 'FAILED', failedAt: command.now.toISOString() },
    },
  ];
}

/**
 * ImportCertificateAuthorityCertificate: allowed while the CA waits for its certificate, and
 * to replace the certificate of an ACTIVE or EXPIRED CA ("You can update the CA cert": CA
 * status table of the user guide), always for the CA's own key.
 */
function importCertificate(command: Extract<CertificateAuthorityCommand, { type: 'ImportCertificateAuthorityCertificate' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (ca.status === 'CREATING') {
    throw new DomainError('InProgress', 'The certificate authority is in status CREATING: its key pair and CSR are still being created; retry once GetCertificateAuthorityCsr returns the CSR.', 'RequestInProgressException');
  }
  if (ca.status !== 'PENDING_CERTIFICATE' && ca.status !== 'ACTIVE' && ca.status !== 'EXPIRED') {
    throw notAllowed(ca, 'importing a CA certificate', ['PENDING_CERTIFICATE', 'ACTIVE', 'EXPIRED']);
  }
  const facts = inspectCaCertificateImport({
    caType: ca.created.type,
    publicKeySpki: Buffer.from(ca.csr.publicKeySpki, 'base64'),
    csrSubjectDer: csrSubjectDer(ca.csr.csr),
    offered: command.offered,
    now: command.now,
  });
  return [{ type: 'CertificateImported', schemaVersion: 1, data: { ...ids(ca), ...facts, previousStatus: ca.status, status: 'ACTIVE', importedAt: command.now.toISOString() } }];
}

/** UpdateCertificateAuthority: "Your private CA must be in the ACTIVE or DISABLED state before you can update it." */
function update(command: Extract<CertificateAuthorityCommand, { type: 'UpdateCertificateAuthority' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (command.status !== undefined && command.status !== 'ACTIVE' && command.status !== 'DISABLED') {
    throw invalidArgs(`Status can only be set to ACTIVE or DISABLED, not ${command.status}.`);
  }
  if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') throw notAllowed(ca, 'UpdateCertificateAuthority', ['ACTIVE', 'DISABLED']);
  checkRevocationConfiguration(command.revocationConfiguration);
  const events: CertificateAuthorityEvent[] = [];
  const at = command.now.toISOString();
  if (command.status !== undefined && command.status !== ca.status) {
    if (command.status === 'ACTIVE' && new Date(ca.certificate.notAfter).getTime() <= command.now.getTime()) {
      throw invalidState(`The certificate authority is in status ${ca.status} and its certificate expired at ${ca.certificate.notAfter}; import a new CA certificate instead of activating it.`);
    }
    events.push({ type: 'StatusChanged', schemaVersion: 1, data: { ...ids(ca), previousStatus: ca.status, status: command.status, changedAt: at } });
  }
  if (command.revocationConfiguration !== undefined) {
    // "If this parameter is not supplied, existing capabilities remain unchanged": a mechanism
    // left out of the configuration keeps its current settings.
    const merged = {
      CrlConfiguration: command.revocationConfiguration.CrlConfiguration ?? ca.revocationConfiguration.CrlConfiguration,
      OcspConfiguration: command.revocationConfiguration.OcspConfiguration ?? ca.revocationConfiguration.OcspConfiguration,
    };
    if (JSON.stringify(merged) !== JSON.stringify(ca.revocationConfiguration)) {
      events.push({ type: 'RevocationConfigurationUpdated', schemaVersion: 1, data: { ...ids(ca), revocationConfiguration: merged, updatedAt: at } });
    }
  }
  return events;
}

/** DeleteCertificateAuthority: "PermanentDeletionTimeInDays ... from 7 to 30 days, with 30 being the default." */
export const DEFAULT_PERMANENT_DELETION_DAYS = 30;
const DELETABLE = ['PENDING_CERTIFICATE', 'CREATING', 'EXPIRED', 'DISABLED', 'FAILED'] as const;

function remove(command: Extract<CertificateAuthorityCommand, { type: 'DeleteCertificateAuthority' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  const days = command.permanentDeletionTimeInDays ?? DEFAULT_PERMANENT_DELETION_DAYS;
  if (!Number.isInteger(days) || days < 7 || days > 30) throw new DomainError('Malformed', `PermanentDeletionTimeInDays must be an integer from 7 to 30, not ${days}.`, 'ValidationException');
  if (ca.status === 'ACTIVE') {
    throw invalidState('The certificate authority is in status ACTIVE; disable it (UpdateCertificateAuthority with Status DISABLED) before deleting it.');
  }
  if (ca.status === 'DELETED') throw notAllowed(ca, 'DeleteCertificateAuthority', DELETABLE);
  const restorableUntil = new Date(command.now.getTime() + days * 86_400_000);
  return [
    {
      type: 'CertificateAuthorityDeleted',
      schemaVersion: 1,
      data: { ...ids(ca), previousStatus: ca.status, permanentDeletionTimeInDays: days, restorableUntil: restorableUntil.toISOString(), status: 'DELETED', deletedAt: command.now.toISOString() },
    },
  ];
}

function restore(command: Extract<CertificateAuthorityCommand, { type: 'RestoreCertificateAuthority' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (ca.status !== 'DELETED') throw notAllowed(ca, 'RestoreCertificateAuthority', ['DELETED']);
  if (command.now.getTime() >= new Date(ca.restorableUntil).getTime()) {
    throw invalidState(`The certificate authority is in status DELETED and its restoration period ended at ${ca.restorableUntil}; it can no longer be restored.`);
  }
  return [{ type: 'CertificateAuthorityRestored', schemaVersion: 1, data: { ...ids(ca), status: ca.before.status, restoredAt: command.now.toISOString() } }];
}

function removePermanently(command: Extract<CertificateAuthorityCommand, { type: 'RemovePermanently' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (ca.status !== 'DELETED') throw notAllowed(ca, 'permanent removal', ['DELETED']);
  if (command.now.getTime() < new Date(ca.restorableUntil).getTime()) {
    throw invalidState(`The certificate authority is restorable until ${ca.restorableUntil}; it cannot be removed permanently before then.`);
  }
  return [
    { type: 'CertificateAuthorityPermanentlyDeleted', schemaVersion: 1, data: { ...ids(ca), deletedAt: ca.deletedAt, permanentlyDeletedAt: command.now.toISOString() } },
  ];
}

function expire(command: Extract<CertificateAuthorityCommand, { type: 'Expire' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') throw notAllowed(ca, 'expiry', ['ACTIVE', 'DISABLED']);
  if (new Date(ca.certificate.notAfter).getTime() > command.now.getTime()) {
    throw invalidState(`The certificate authority's certificate is valid until ${ca.certificate.notAfter}; it has not expired.`);
  }
  return [
    {
      type: 'CertificateAuthorityExpired',
      schemaVersion: 1,
      data: { ...ids(ca), previousStatus: ca.status, notAfter: ca.certificate.notAfter, status: 'EXPIRED', expiredAt: command.now.toISOString() },
    },
  ];
}

function tag(command: Extract<CertificateAuthorityCommand, { type: 'TagCertificateAuthority' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  checkTagKeys(command.tags);
  if (ca.status === 'DELETED') throw invalidState('The certificate authority is in status DELETED; restore it before changing its tags.');
  const added = normalizeTags(command.tags);
  const allTags = mergeTags(ca.tags, added);
  if (JSON.stringify(allTags) === JSON.stringify(ca.tags)) return [];
  return [{ type: 'Tagged', schemaVersion: 1, data: { ...ids(ca), tags: added, allTags, taggedAt: command.now.toISOString() } }];
}

function untag(command: Extract<CertificateAuthorityCommand, { type: 'UntagCertificateAuthority' }>, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  const ca = existingCa(state);
  checkTagKeys(command.tags);
  if (ca.status === 'DELETED') throw invalidState('The certificate authority is in status DELETED; restore it before changing its tags.');
  const { kept, removed } = removeTags(ca.tags, command.tags);
  if (removed.length === 0) return [];
  return [{ type: 'Untagged', schemaVersion: 1, data: { ...ids(ca), tags: removed, allTags: kept, untaggedAt: command.now.toISOString() } }];
}

export function decide(command: CertificateAuthorityCommand, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  switch (command.type) {
    case 'CreateCertificateAuthority':
      return create(command, state);
    case 'RecordCsr':
      return recordCsr(command, state);
    case 'RecordCreationFailure':
      return recordCreationFailure(command, state);
    case 'ImportCertificateAuthorityCertificate':
      return importCertificate(command, state);
    case 'UpdateCertificateAuthority':
      return update(command, state);
    case 'DeleteCertificateAuthority':
      return remove(command, state);
    case 'RestoreCertificateAuthority':
      return restore(command, state);
    case 'RemovePermanently':
      return removePermanently(command, state);
    case 'Expire':
      return expire(command, state);
    case 'TagCertificateAuthority':
      return tag(command, state);
    case 'UntagCertificateAuthority':
      return untag(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

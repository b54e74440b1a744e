import { DomainError, type CertificateAuthorityCreatedV1, type CertificateAuthorityStatus } from '@pki/contracts';
import type { CertificateAuthorityEvent } from './certificate-authority.events';
import type { CreateCertificateAuthorityInput, RevocationConfiguration } from './certificate-authority.types';

/** State of one CA, folded from its events. */
export type CertificateAuthorityState =
  | { readonly status: 'Absent' }
  | { readonly status: CertificateAuthorityStatus; readonly created: CertificateAuthorityCreatedV1 };

export const initialState: CertificateAuthorityState = { status: 'Absent' };

export type CertificateAuthorityCommand = {
  readonly type: 'CreateCertificateAuthority';
  readonly certificateAuthorityId: string;
  readonly arn: string;
  readonly ownerAccount: string;
  readonly input: CreateCertificateAuthorityInput;
  /** Injected clock (STYLE.md: deciders read no clock). */
  readonly now: Date;
};

const invalidArgs = (message: string) => new DomainError('Malformed', message, 'InvalidArgsException');

/** The STANDARD subject attributes; AWS forbids mixing them with CustomAttributes. */
const STANDARD_SUBJECT_KEYS = [
  'Country', 'Organization', 'OrganizationalUnit', 'DistinguishedNameQualifier', 'State', 'CommonName', 'SerialNumber',
  'Locality', 'Title', 'Surname', 'GivenName', 'Initials', 'Pseudonym', 'GenerationQualifier',
] as const;

function checkKeyAndSigningAlgorithm(input: CreateCertificateAuthorityInput): void {
  const { KeyAlgorithm, SigningAlgorithm } = input.CertificateAuthorityConfiguration;
  const keyIsEc = KeyAlgorithm.startsWith('EC_');
  const signingIsEc = SigningAlgorithm.endsWith('WITHECDSA');
  if (keyIsEc !== signingIsEc) {
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
      const extra = (['ExpirationInDays', 'CustomCname', 'S3BucketName', 'S3ObjectAcl'] as const).filter((k) => crl[k] !== undefined);
      if (extra.length > 0) throw invalidArgs(`A CRL configuration that disables CRLs must contain only Enabled=false, but it also sets ${extra.join(', ')}.`);
    } else {
      if (!crl.S3BucketName) throw invalidArgs('S3BucketName is required when CRLs are enabled.');
      if (crl.CustomCname !== undefined && CNAME_WITH_PROTOCOL.test(crl.CustomCname)) {
        throw invalidArgs('CustomCname must not include a protocol prefix such as "http://" or "https://".');
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

function checkTags(input: CreateCertificateAuthorityInput): void {
  for (const tag of input.Tags ?? []) {
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw new DomainError('Malformed', `The tag key "${tag.Key}" uses the reserved prefix "aws:".`, 'InvalidTagException');
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

function create(command: CertificateAuthorityCommand, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  if (state.status !== 'Absent') {
    throw new DomainError('Conflict', `Certificate authority ${command.arn} already exists.`);
  }
  const { input } = command;
  checkKeyAndSigningAlgorithm(input);
  checkSubject(input);
  checkRevocationConfiguration(input.RevocationConfiguration);
  checkTags(input);
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
        // Default documented for KeyStorageSecurityStandard.
        keyStorageSecurityStandard: input.KeyStorageSecurityStandard ?? 'FIPS_140_2_LEVEL_3_OR_HIGHER',
        tags: (input.Tags ?? []).map((tag) => ({ Key: tag.Key, Value: tag.Value ?? null })),
        createdAt: command.now.toISOString(),
        idempotencyToken: input.IdempotencyToken ?? null,
      },
    },
  ];
}

export function decide(command: CertificateAuthorityCommand, state: CertificateAuthorityState): CertificateAuthorityEvent[] {
  switch (command.type) {
    case 'CreateCertificateAuthority':
      return create(command, state);
    default: {
      const exhaustive: never = command.type;
      throw new Error(`unknown command ${String(exhaustive)}`);
    }
  }
}

export function evolve(state: CertificateAuthorityState, event: CertificateAuthorityEvent): CertificateAuthorityState {
  switch (event.type) {
    case 'CertificateAuthorityCreated':
      // A new CA starts in CREATING: its key pair and CSR do not exist yet.
      return { status: 'CREATING', created: event.data };
    default: {
      const exhaustive: never = event.type;
      throw new Error(`unknown event ${String(exhaustive)}`);
    }
  }
}

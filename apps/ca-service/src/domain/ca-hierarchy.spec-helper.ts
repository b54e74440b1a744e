/**
 * Test-only: an "external" PKI (root and intermediate with software keys, as an on-premises
 * hierarchy would be) that signs a CA's CSR, built with @pki/pki's DER builders. Also a CSR for
 * a software CA key, standing in for what the key worker records. Never imported by production code.
 */
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import {
  basicConstraintsExtension,
  buildCertificate,
  buildCsr,
  customExtension,
  authorityKeyIdentifierExtension,
  encodeName,
  hashOf,
  keyIdentifierFromSpki,
  keyUsageExtension,
  subjectKeyIdentifierExtension,
  toPem,
  type ASN1Subject,
  type Extension,
  type SigningAlgorithm,
} from '@pki/pki';

export interface SoftwareKey {
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
}

export function ecKey(): SoftwareKey {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

const ALG: SigningAlgorithm = 'SHA256WITHECDSA';
const signer = (key: SoftwareKey) => async (tbs: Uint8Array) => cryptoSign(hashOf(ALG), tbs, key.privateKey);

export async function csrPem(key: SoftwareKey, subject: ASN1Subject): Promise<string> {
  const der = await buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm: ALG, extensions: [basicConstraintsExtension({ ca: true })], sign: signer(key) });
  return toPem(der, 'CERTIFICATE REQUEST');
}

export interface IssueInput {
  readonly issuerKey: SoftwareKey;
  readonly issuerSubject: ASN1Subject | Uint8Array;
  readonly subject: ASN1Subject | Uint8Array;
  readonly spki: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Replaces the default CA extensions (critical basicConstraints cA=TRUE, keyCertSign+cRLSign, key identifiers). */
  readonly extensions?: Extension[];
  readonly pathLength?: number;
  readonly serial?: bigint;
}

const nameDer = (name: ASN1Subject | Uint8Array) => (name instanceof Uint8Array ? name : encodeName(name));

export async function issue(input: IssueInput): Promise<string> {
  const { der } = await buildCertificate({
    serial: input.serial ?? 0x1234abcdn,
    signingAlgorithm: ALG,
    issuerDer: nameDer(input.issuerSubject),
    subjectDer: nameDer(input.subject),
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    publicKeySpki: input.spki,
    extensions: input.extensions ?? [
      basicConstraintsExtension({ ca: true, critical: true, pathLength: input.pathLength }),
      keyUsageExtension({ KeyCertSign: true, CRLSign: true }),
      subjectKeyIdentifierExtension(keyIdentifierFromSpki(input.spki)),
      authorityKeyIdentifierExtension(keyIdentifierFromSpki(input.issuerKey.spki)),
    ],
    sign: signer(input.issuerKey),
  });
  return toPem(der, 'CERTIFICATE');
}

export const criticalExtension = (oid: string) => customExtension({ oid, critical: true, valueDer: Buffer.from([0x30, 0x00]) });

/** A root and an intermediate (root-signed), valid around `now`. */
export async function externalHierarchy(now: Date, options: { rootPathLength?: number } = {}) {
  const year = 365 * 86_400_000;
  const notBefore = new Date(now.getTime() - 86_400_000);
  const rootKey = ecKey();
  const rootSubject: ASN1Subject = { Organization: 'External Corp', CommonName: 'External Root' };
  const root = await issue({ issuerKey: rootKey, issuerSubject: rootSubject, subject: rootSubject, spki: rootKey.spki, notBefore, notAfter: new Date(now.getTime() + 10 * year), pathLength: options.rootPathLength });
  const intermediateKey = ecKey();
  const intermediateSubject: ASN1Subject = { Organization: 'External Corp', CommonName: 'External Intermediate' };
  const intermediate = await issue({ issuerKey: rootKey, issuerSubject: rootSubject, subject: intermediateSubject, spki: intermediateKey.spki, notBefore, notAfter: new Date(now.getTime() + 5 * year), serial: 2n });
  return { rootKey, rootSubject, root, intermediateKey, intermediateSubject, intermediate, notBefore, year };
}

/** Test-only: a CA and leaves built with this library's certificate builder, signed with software keys. */
import type { KeyAlgorithm, SigningAlgorithm } from './algorithms';
import { buildCertificate } from './certificate';
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  extendedKeyUsageExtension,
  keyIdentifierFromSpki,
  keyUsageExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  type Extension,
} from './extensions';
import { encodeName, type ASN1Subject } from './names';
import { signer, testKey, type TestKey } from './test-keys.spec-helper';

export interface TestCa {
  key: TestKey;
  algorithm: SigningAlgorithm;
  subjectDer: Buffer;
  keyId: Buffer;
  der: Buffer;
}

export const NOW = new Date('2025-01-15T12:00:00Z');
const YEAR = 365 * 24 * 3600 * 1000;

export async function makeRootCa(keyAlgorithm: KeyAlgorithm, algorithm: SigningAlgorithm, subject: ASN1Subject = { Country: 'US', Organization: 'Example Corp', CommonName: 'Example Root CA' }): Promise<TestCa> {
  const key = testKey(keyAlgorithm);
  const subjectDer = encodeName(subject);
  const keyId = keyIdentifierFromSpki(key.spki);
  const { der } = await buildCertificate({
    serial: 0x0123456789abcdefn,
    signingAlgorithm: algorithm,
    issuerDer: subjectDer,
    subjectDer,
    notBefore: new Date(NOW.getTime() - YEAR),
    notAfter: new Date(NOW.getTime() + 10 * YEAR),
    publicKeySpki: key.spki,
    extensions: [
      basicConstraintsExtension({ ca: true }),
      keyUsageExtension({ KeyCertSign: true, CRLSign: true, DigitalSignature: true }),
      subjectKeyIdentifierExtension(keyId),
    ],
    sign: signer(key, algorithm),
  });
  return { key, algorithm, subjectDer, keyId, der };
}

export async function issueLeaf(ca: TestCa, serial: bigint, commonName: string, extra: Extension[] = []): Promise<{ der: Buffer; key: TestKey }> {
  const key = testKey('EC_prime256v1');
  const { der } = await buildCertificate({
    serial,
    signingAlgorithm: ca.algorithm,
    issuerDer: ca.subjectDer,
    subjectDer: encodeName({ CommonName: commonName }),
    notBefore: new Date(NOW.getTime() - 24 * 3600 * 1000),
    notAfter: new Date(NOW.getTime() + YEAR),
    publicKeySpki: key.spki,
    extensions: [
      basicConstraintsExtension({ ca: false }),
      keyUsageExtension({ DigitalSignature: true, KeyEncipherment: true }),
      extendedKeyUsageExtension([{ ExtendedKeyUsageType: 'SERVER_AUTH' }, { ExtendedKeyUsageType: 'CLIENT_AUTH' }]),
      subjectKeyIdentifierExtension(keyIdentifierFromSpki(key.spki)),
      authorityKeyIdentifierExtension(ca.keyId),
      subjectAltNameExtension([{ DnsName: commonName }]),
      ...extra,
    ],
    sign: signer(ca.key, ca.algorithm),
  });
  return { der, key };
}

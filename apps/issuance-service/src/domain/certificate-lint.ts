/**
 * The lint of a signed certificate before it is released (STYLE.md "lint before signing ... parse
 * it back and check it against the template"; Boulder/step-ca practice): it must parse (our strict
 * DER reader), carry the recorded serial and issuer, verify under the CA's public key, and hold
 * exactly the extensions the profile decided, with the template's basic constraints.
 * Returns the problems found; empty means clean.
 *
 * OpenSSL's parse (node:crypto X509Certificate) is not repeated here for every certificate: it
 * cost as much as the CSR check, and the certificate is our DER writer's assembly of the TBS
 * recorded in the intent, which the strict reader parses back. The tests check OpenSSL's reading
 * of every template's certificates (certificate-profile.templates.spec.ts, and the e2e suites run
 * the openssl CLI on what the API returns).
 */
import { verify, type KeyObject } from 'node:crypto';
import { hashOf, isMlDsaAlgorithm, Oid, signatureAlgorithmIdentifier, verifyMlDsa, type Extension, type SigningAlgorithm } from '@pki/pki';
import { certificateParts, pathLengthOf } from './certificate-der';
import type { CertificateTemplate } from './templates';

export interface LintExpectation {
  readonly serial: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly issuerDer: Uint8Array;
  readonly extensions: readonly Extension[];
  readonly template: CertificateTemplate;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** `caPublicKey`: the CA's KeyObject, or its SubjectPublicKeyInfo for an ML-DSA CA (caVerifyKey). */
export function lintCertificate(der: Uint8Array, expected: LintExpectation, caPublicKey: KeyObject | Uint8Array): string[] {
  const problems: string[] = [];
  let parts;
  try {
    parts = certificateParts(der);
  } catch (error) {
    return [`does not parse: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (parts.serialHex !== expected.serial) problems.push(`serial ${parts.serialHex} is not the recorded ${expected.serial}`);
  if (!same(parts.issuerDer, expected.issuerDer)) problems.push('issuer is not the issuing CA subject');
  if (!same(parts.signatureAlgorithm, signatureAlgorithmIdentifier(expected.signingAlgorithm))) problems.push(`signatureAlgorithm is not ${expected.signingAlgorithm}`);
  let verified = false;
  try {
    if (isMlDsaAlgorithm(expected.signingAlgorithm)) verified = caPublicKey instanceof Uint8Array && verifyMlDsa(expected.signingAlgorithm, caPublicKey, parts.tbs, parts.signature);
    else verified = !(caPublicKey instanceof Uint8Array) && verify(hashOf(expected.signingAlgorithm), parts.tbs, { key: caPublicKey, dsaEncoding: 'der' }, parts.signature);
  } catch {
    verified = false;
  }
  if (!verified) problems.push("signature does not verify with the CA's public key");

  const got = parts.extensions;
  if (got.length !== expected.extensions.length) problems.push(`has ${got.length} extensions, the profile decided ${expected.extensions.length}`);
  expected.extensions.forEach((e, i) => {
    const g = got[i];
    if (!g || g.oid !== e.oid || g.critical !== e.critical || !same(g.value, e.value)) problems.push(`extension ${i} (${e.oid}) differs from the profile`);
  });
  const bc = got.find((e) => e.oid === Oid.basicConstraints);
  const rule = expected.template.basicConstraints;
  if (!bc) problems.push('no basicConstraints');
  else {
    const decoded = pathLengthOf(bc.value);
    if (decoded.ca !== rule.ca || decoded.pathLength !== rule.pathLength || bc.critical !== rule.critical) {
      problems.push(`basicConstraints ${JSON.stringify(decoded)} critical=${bc.critical} is not the template's ${JSON.stringify(rule)}`);
    }
  }
  if (expected.template.keyUsage && !got.some((e) => e.oid === Oid.keyUsage && e.critical === expected.template.keyUsage!.critical)) problems.push("keyUsage is not the template's");
  if (expected.template.extendedKeyUsage && !got.some((e) => e.oid === Oid.extKeyUsage)) problems.push('extendedKeyUsage missing');
  if (expected.template.authorityKeyIdentifier === 'CA_SKI' && !got.some((e) => e.oid === Oid.authorityKeyIdentifier)) problems.push('authorityKeyIdentifier missing');
  return problems;
}

/**
 * Test-only: software keys standing in for the Signer port, CSRs, a test root CA built through
 * the RootCACertificate template, certificates built from profiles, and the openssl CLI.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCertificate,
  buildCsr,
  encodeName,
  keyIdentifierFromSpki,
  parseCsr,
  toPem,
  type ASN1Subject,
  type Extension,
  type ParsedCsr,
  type SignFn,
} from '@pki/pki';
import { buildProfile, type CertificateProfile, type IssuingCaFacts, type ProfileInput, type ProfileResult } from './certificate-profile';
import { templateByArn, templateArn, type CertificateTemplate } from './templates';

export const NOW = new Date('2025-01-15T12:00:00Z');
export const CRL_URL = 'http://crl.example.test/crl/11111111-2222-3333-4444-555555555555.crl';
export const OCSP_URL = 'http://ocsp.example.test/ocsp';

export interface TestKey {
  privateKey: KeyObject;
  spki: Buffer;
}

export function ecKey(): TestKey {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

export function rsaKey(): TestKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

export const signer = (key: TestKey): SignFn => async (tbs) => cryptoSign('sha256', tbs, key.privateKey);

export function template(name: string): CertificateTemplate {
  const t = templateByArn(templateArn(name));
  if (!t) throw new Error(`no template ${name}`);
  return t;
}

export async function csrFor(key: TestKey, subject: ASN1Subject | Uint8Array, extensions: Extension[] = []): Promise<ParsedCsr> {
  const der = await buildCsr({ subject, publicKeySpki: key.spki, signingAlgorithm: key.privateKey.asymmetricKeyType === 'rsa' ? 'SHA256WITHRSA' : 'SHA256WITHECDSA', extensions, sign: signer(key) });
  return parseCsr(der);
}

export function unwrap(result: ProfileResult): CertificateProfile {
  if (!result.ok) throw new Error(`profile refused: ${result.error.rule}: ${result.error.message}`);
  return result.profile;
}

let serial = 0x1000n;
export async function sign(profile: CertificateProfile, issuerKey: TestKey): Promise<Buffer> {
  serial += 1n;
  const { der } = await buildCertificate({
    serial: (serial << 64n) | 0x0123456789abcdefn,
    signingAlgorithm: 'SHA256WITHECDSA',
    issuerDer: profile.issuerDer,
    subjectDer: profile.subjectDer,
    publicKeySpki: profile.publicKeySpki,
    notBefore: profile.notBefore,
    notAfter: profile.notAfter,
    extensions: profile.extensions,
    sign: signer(issuerKey),
  });
  return der;
}

export interface TestCa {
  key: TestKey;
  der: Buffer;
  pem: string;
  facts: IssuingCaFacts;
}

/** A root CA whose certificate comes from RootCACertificate/V1 through buildProfile itself. */
export async function makeRootCa(subject: ASN1Subject = { Country: 'US', Organization: 'Example Corp', CommonName: 'Example Root CA' }): Promise<TestCa> {
  const key = ecKey();
  const csr = await csrFor(key, subject);
  const facts: IssuingCaFacts = {
    subjectDer: encodeName(subject),
    publicKeySpki: key.spki,
    pathLength: undefined,
    notAfter: undefined,
    keyAlgorithm: 'EC_prime256v1',
    usageMode: 'GENERAL_PURPOSE',
  };
  const profile = unwrap(buildProfile({ template: template('RootCACertificate'), csr, ca: facts, validity: { Type: 'YEARS', Value: 10 }, now: new Date(NOW.getTime() - 24 * 3600e3) }));
  const der = await sign(profile, key);
  return { key, der, pem: toPem(der, 'CERTIFICATE'), facts: { ...facts, notAfter: profile.notAfter, crlDistributionPointUrl: CRL_URL, ocspUrl: OCSP_URL } };
}

/** A subordinate CA issued by `parent` with the given template, usable as an issuer. */
export async function makeSubCa(parent: TestCa, templateName: string, commonName: string, pathLength: number | undefined): Promise<TestCa> {
  const key = ecKey();
  const subject = { Organization: 'Example Corp', CommonName: commonName };
  const csr = await csrFor(key, subject);
  const profile = unwrap(buildProfile({ template: template(templateName), csr, ca: parent.facts, validity: { Type: 'YEARS', Value: 5 }, now: NOW }));
  const der = await sign(profile, parent.key);
  const facts: IssuingCaFacts = {
    ...parent.facts,
    subjectDer: profile.subjectDer,
    publicKeySpki: key.spki,
    subjectKeyIdentifier: keyIdentifierFromSpki(key.spki),
    pathLength,
    notAfter: profile.notAfter,
  };
  return { key, der, pem: toPem(der, 'CERTIFICATE'), facts };
}

export function baseInput(t: CertificateTemplate, csr: ParsedCsr, ca: IssuingCaFacts, extra: Partial<ProfileInput> = {}): ProfileInput {
  return { template: t, csr, ca, validity: { Type: 'DAYS', Value: 30 }, now: NOW, ...extra };
}

export interface OpensslResult {
  status: number | null;
  output: string;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'issuance-profile-'));
  write(name: string, content: string | Uint8Array): string {
    const file = join(this.path, name);
    writeFileSync(file, content);
    return file;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export function openssl(...args: string[]): OpensslResult {
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** `openssl x509 -text` of a DER certificate. */
export function opensslText(dir: TempDir, der: Uint8Array, name = 'cert.pem'): string {
  const file = dir.write(name, toPem(der, 'CERTIFICATE'));
  const r = openssl('x509', '-in', file, '-noout', '-text');
  if (r.status !== 0) throw new Error(`openssl x509 failed: ${r.output}`);
  return r.output;
}

/** `openssl verify -x509_strict` of `leaf` against `root`, with intermediates, at NOW. */
export function opensslVerify(dir: TempDir, root: Uint8Array, leaf: Uint8Array, intermediates: Uint8Array[] = []): OpensslResult {
  const rootFile = dir.write('root.pem', toPem(root, 'CERTIFICATE'));
  const leafFile = dir.write('leaf.pem', toPem(leaf, 'CERTIFICATE'));
  const args = ['verify', '-x509_strict', '-attime', String(Math.floor(NOW.getTime() / 1000)), '-CAfile', rootFile];
  if (intermediates.length) args.push('-untrusted', dir.write('chain.pem', intermediates.map((c) => toPem(c, 'CERTIFICATE')).join('')));
  return openssl(...args, leafFile);
}

/**
 * The X509v3 extensions section of `openssl x509 -text`, as "<name>[ critical]: <value lines
 * joined by ' | '>", one entry per extension, sorted.
 */
export function opensslExtensions(text: string): string[] {
  const start = text.indexOf('X509v3 extensions:');
  if (start < 0) return [];
  const end = text.indexOf('Signature Algorithm:', start);
  const lines = text.slice(start, end).split('\n').slice(1);
  const out: { head: string; values: string[] }[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    if (indent <= 12) out.push({ head: line.trim(), values: [] });
    else out[out.length - 1]?.values.push(line.trim());
  }
  return out.map((e) => `${e.head.replace(/:$/, '').replace(/^X509v3 /, '')}: ${e.values.join(' | ')}`).sort();
}

import { generateKeyPairSync, sign } from 'node:crypto';
import { assembleCertificate, basicConstraintsExtension, buildTbsCertificate, encodeName, keyUsageExtension, toPem } from '@pki/pki';

const DAY = 24 * 60 * 60 * 1000;

/** A real ECDSA P-256 certificate built in memory (self-signed unless told otherwise). */
export function makeCertificate(options: { commonName?: string; notBefore: Date; notAfter: Date; ca?: boolean; badSignature?: boolean; serial?: bigint }): string {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = encodeName({ Organization: 'Example Corp', CommonName: options.commonName ?? 'Example LDAPS Root' });
  const ca = options.ca ?? true;
  const tbs = buildTbsCertificate({
    serial: options.serial ?? 0x1234567890abcdefn,
    signingAlgorithm: 'SHA256WITHECDSA',
    issuerDer: name,
    subjectDer: name,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
    extensions: [basicConstraintsExtension({ ca, critical: true }), keyUsageExtension(ca ? { KeyCertSign: true, CRLSign: true } : { DigitalSignature: true })],
  });
  const signature = sign('sha256', options.badSignature ? Buffer.from('not the tbs') : tbs, privateKey);
  return toPem(assembleCertificate(tbs, 'SHA256WITHECDSA', signature), 'CERTIFICATE');
}

export const days = (n: number) => n * DAY;

import { generateKeyPair, sign } from 'node:crypto';
import { promisify } from 'node:util';
import type { CommandMessage } from '@pki/contracts';
import { buildCsr, toPem } from '@pki/pki';
import { readCertificate } from '../domain/certificate-checks';
import { certificateArn } from '../domain/iot-ids';
import { executeCommand, requestMeta } from './aggregate-command';
import { certificateAggregate } from './aggregates';
import { regionOf, type IotContext } from './iot-context';
import type { PlatformIssuer } from './platform-issuer';

const generateRsaKeyPair = promisify(generateKeyPair);

interface CreatedCertificate {
  readonly certificateArn: string;
  readonly certificateId: string;
  readonly certificatePem: string;
}

/** Issues `csrPem` with the platform's IoT issuing CA and registers the certificate in the caller's account (no IoT CA: like AWS's own CA). */
async function issueAndRegister(
  context: IotContext,
  issuer: PlatformIssuer,
  message: CommandMessage,
  csrPem: string,
  setAsActive: boolean | undefined,
  source: 'CreateCertificateFromCsr' | 'CreateKeysAndCertificate',
): Promise<CreatedCertificate> {
  const accountId = message.caller.accountId;
  const issuedPem = await issuer.issue(csrPem, message.requestId);
  const certificate = readCertificate(issuedPem, 'issued certificate');
  const arn = certificateArn(regionOf(context, message), accountId, certificate.certificateId);
  await executeCommand(
    context,
    certificateAggregate(certificate.certificateId, regionOf(context, message)),
    () => ({
      type: 'RegisterCertificate' as const,
      certificateId: certificate.certificateId,
      certificateArn: arn,
      ownedBy: accountId,
      caCertificateId: null,
      certificatePem: certificate.pem,
      status: setAsActive ? ('ACTIVE' as const) : ('INACTIVE' as const),
      certificateMode: 'DEFAULT' as const,
      notBefore: certificate.parsed.notBefore.toISOString(),
      notAfter: certificate.parsed.notAfter.toISOString(),
      source,
      now: context.now(),
      generationId: context.newId(),
    }),
    requestMeta(message),
  );
  return { certificateArn: arn, certificateId: certificate.certificateId, certificatePem: certificate.pem };
}

/** CreateCertificateFromCsr: the caller's CSR, signed by the platform's IoT issuing CA. */
export function createCertificateFromCsrHandler(context: IotContext, issuer: PlatformIssuer) {
  return async (message: CommandMessage): Promise<CreatedCertificate> => {
    const input = message.input as { certificateSigningRequest: string; setAsActive?: boolean };
    return issueAndRegister(context, issuer, message, input.certificateSigningRequest, input.setAsActive, 'CreateCertificateFromCsr');
  };
}

/**
 * CreateKeysAndCertificate: a fresh RSA-2048 key pair (AWS IoT's default) and a certificate for
 * it (subject CN "AWS IoT Certificate", as AWS). The private key exists only in this answer: it is
 * never logged, stored or put in an event.
 */
export function createKeysAndCertificateHandler(context: IotContext, issuer: PlatformIssuer) {
  return async (message: CommandMessage): Promise<CreatedCertificate & { keyPair: { PublicKey: string; PrivateKey: string } }> => {
    const input = message.input as { setAsActive?: boolean };
    const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    const csr = await buildCsr({
      subject: { CommonName: 'AWS IoT Certificate' },
      publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
      signingAlgorithm: 'SHA256WITHRSA',
      sign: async (data) => sign('sha256', data, privateKey),
    });
    const created = await issueAndRegister(context, issuer, message, toPem(csr, 'CERTIFICATE REQUEST'), input.setAsActive, 'CreateKeysAndCertificate');
    return {
      ...created,
      keyPair: {
        PublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        PrivateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      },
    };
  };
}

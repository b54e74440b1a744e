import { DomainError, type CommandMessage, type IotCertificateStatus } from '@pki/contracts';
import { parseCertificate } from '@pki/pki';
import { checkSignedBy, checkValidNow, isIssuedBy, readCertificate, type CheckedCertificate } from '../domain/certificate-checks';
import { certificateArn, regionOfIotArn } from '../domain/iot-ids';
import { iotErrors } from '../domain/iot-errors';
import { activeAndInactiveCaCertificatesOf, findCaCertificate } from '../infrastructure/ca-certificate.queries';
import { iotDb } from '../infrastructure/database';
import type { CaCertificateRow } from '../infrastructure/tables/ca-certificate.table';
import { executeCommand, requestMeta } from './aggregate-command';
import { certificateAggregate } from './aggregates';
import { regionOf, type IotContext } from './iot-context';

interface RegisterInput {
  readonly certificatePem: string;
  readonly caCertificatePem?: string;
  readonly setAsActive?: boolean;
  readonly status?: IotCertificateStatus;
}

/**
 * The registered CA certificate that signed `device`: the one named by caCertificatePem, else
 * the caller's CA certificates whose subject is the device's issuer and whose key verifies its
 * signature (two such CAs: AWS's CertificateConflictException).
 */
async function signingCa(context: IotContext, message: CommandMessage, device: CheckedCertificate, caCertificatePem: string | undefined): Promise<CaCertificateRow> {
  const accountId = message.caller.accountId;
  if (caCertificatePem !== undefined) {
    const named = readCertificate(caCertificatePem, 'caCertificatePem');
    const row = await findCaCertificate(iotDb(context.db), named.certificateId);
    // A CA certificate of another region (its ARN's) is not registered here, as on AWS.
    if (!row || row.owned_by !== accountId || regionOfIotArn(row.certificate_arn) !== regionOf(context, message)) {
      throw new DomainError('NotFound', `The CA certificate ${named.certificateId} given as caCertificatePem is not registered in this account; register it with RegisterCACertificate first.`, 'ResourceNotFoundException');
    }
    return row;
  }
  const signers = (await activeAndInactiveCaCertificatesOf(iotDb(context.db), accountId, regionOf(context, message))).filter((row) => isIssuedBy(device.parsed, parseCertificate(row.certificate_pem)));
  if (signers.length === 0) {
    throw new DomainError(
      'Malformed',
      `The certificate was not signed by any CA certificate registered in this account (issuer ${device.parsed.issuer}); register its CA with RegisterCACertificate first.`,
      'CertificateValidationException',
    );
  }
  if (signers.length > 1) {
    throw new DomainError(
      'Conflict',
      `More than one registered CA certificate has the subject and key that signed this certificate (${signers.map((s) => s.certificate_id).join(', ')}); pass caCertificatePem to choose one.`,
      'CertificateConflictException',
    );
  }
  return signers[0]!;
}

/** RegisterCertificate: a device certificate signed by one of the caller's registered CA certificates. */
export function registerCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<{ certificateArn: string; certificateId: string }> => {
    const input = message.input as RegisterInput;
    const accountId = message.caller.accountId;
    const now = context.now();
    const device = readCertificate(input.certificatePem, 'certificatePem');
    checkValidNow(device, 'certificate', now);
    const ca = await signingCa(context, message, device, input.caCertificatePem);
    checkSignedBy(device, readCertificate(ca.certificate_pem, 'registered CA certificate'), now);
    const status: IotCertificateStatus = input.status ?? (input.setAsActive ? 'ACTIVE' : 'INACTIVE');
    if (status === 'ACTIVE' && ca.status !== 'ACTIVE') {
      throw iotErrors.certificateState(`The CA certificate ${ca.certificate_id} is ${ca.status}; a certificate it signed cannot be registered as ACTIVE until the CA certificate is ACTIVE.`);
    }
    const arn = certificateArn(regionOf(context, message), accountId, device.certificateId);
    await executeCommand(
      context,
      certificateAggregate(device.certificateId, regionOf(context, message)),
      () => ({
        type: 'RegisterCertificate' as const,
        certificateId: device.certificateId,
        certificateArn: arn,
        ownedBy: accountId,
        caCertificateId: ca.certificate_id,
        certificatePem: device.pem,
        status,
        // AWS IoT: a certificate registered with an issuer CA takes the CA's mode.
        certificateMode: ca.certificate_mode === 'SNI_ONLY' ? ('SNI_ONLY' as const) : ('DEFAULT' as const),
        notBefore: device.parsed.notBefore.toISOString(),
        notAfter: device.parsed.notAfter.toISOString(),
        source: 'RegisterCertificate' as const,
        now,
        generationId: context.newId(),
      }),
      requestMeta(message),
    );
    return { certificateArn: arn, certificateId: device.certificateId };
  };
}

/** RegisterCertificateWithoutCA: SNI_ONLY mode, no issuer CA; the certificate must still be well-formed and valid now. */
export function registerCertificateWithoutCaHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<{ certificateArn: string; certificateId: string }> => {
    const input = message.input as { certificatePem: string; status?: IotCertificateStatus };
    const accountId = message.caller.accountId;
    const now = context.now();
    const device = readCertificate(input.certificatePem, 'certificatePem');
    checkValidNow(device, 'certificate', now);
    const arn = certificateArn(regionOf(context, message), accountId, device.certificateId);
    await executeCommand(
      context,
      certificateAggregate(device.certificateId, regionOf(context, message)),
      () => ({
        type: 'RegisterCertificate' as const,
        certificateId: device.certificateId,
        certificateArn: arn,
        ownedBy: accountId,
        caCertificateId: null,
        certificatePem: device.pem,
        status: input.status ?? 'INACTIVE',
        certificateMode: 'SNI_ONLY' as const,
        notBefore: device.parsed.notBefore.toISOString(),
        notAfter: device.parsed.notAfter.toISOString(),
        source: 'RegisterCertificateWithoutCA' as const,
        now,
        generationId: context.newId(),
      }),
      requestMeta(message),
    );
    return { certificateArn: arn, certificateId: device.certificateId };
  };
}

import { DomainError, type CommandMessage, type IotAutoRegistrationStatus, type IotCaCertificateStatus, type IotCertificateMode, type IotRegistrationConfigV1 } from '@pki/contracts';
import { checkIsCa, checkValidNow, checkVerificationCertificate, readCertificate } from '../domain/certificate-checks';
import { caCertificateArn, normalizeCertificateId, regionOfIotArn } from '../domain/iot-ids';
import { iotErrors } from '../domain/iot-errors';
import { findCaCertificate, listCaCertificates } from '../infrastructure/ca-certificate.queries';
import { countCertificatesOfCa } from '../infrastructure/certificate.queries';
import { iotDb } from '../infrastructure/database';
import { findRegistrationCode } from '../infrastructure/registration-code.queries';
import { executeCommand, requestMeta } from './aggregate-command';
import { caCertificateAggregate } from './aggregates';
import { regionOf, type IotContext } from './iot-context';
import { caCertificateDescription, caCertificateSummary, registrationConfigView } from './iot.views';

interface RegistrationConfigInput {
  readonly templateBody?: string;
  readonly roleArn?: string;
  readonly templateName?: string;
}

const registrationConfig = (input: RegistrationConfigInput | undefined): IotRegistrationConfigV1 | null =>
  input ? { templateBody: input.templateBody ?? null, roleArn: input.roleArn ?? null, templateName: input.templateName ?? null } : null;

interface RegisterCaInput {
  readonly caCertificate: string;
  readonly verificationCertificate?: string;
  readonly setAsActive?: boolean;
  readonly allowAutoRegistration?: boolean;
  readonly registrationConfig?: RegistrationConfigInput;
  readonly tags?: Array<{ Key: string; Value: string }>;
  readonly certificateMode?: IotCertificateMode;
}

/** RegisterCACertificate: DEFAULT mode proves possession of the CA key with the verification certificate; SNI_ONLY needs none. */
export function registerCaCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<{ certificateArn: string; certificateId: string }> => {
    const input = message.input as RegisterCaInput;
    const accountId = message.caller.accountId;
    const now = context.now();
    const ca = readCertificate(input.caCertificate, 'caCertificate');
    checkIsCa(ca, 'caCertificate');
    checkValidNow(ca, 'caCertificate', now);
    const certificateMode = input.certificateMode ?? 'DEFAULT';
    if (certificateMode === 'DEFAULT') {
      if (input.verificationCertificate === undefined) {
        throw iotErrors.invalidRequest('verificationCertificate is required when certificateMode is DEFAULT (omit it only with certificateMode SNI_ONLY).');
      }
      const registrationCode = await findRegistrationCode(iotDb(context.db), accountId);
      if (registrationCode === undefined) {
        throw new DomainError('Malformed', 'This account has no registration code yet; call GetRegistrationCode and use it as the verification certificate\'s common name.', 'RegistrationCodeValidationException');
      }
      checkVerificationCertificate(readCertificate(input.verificationCertificate, 'verificationCertificate'), ca, registrationCode, now);
    }
    const certificateArn = caCertificateArn(regionOf(context, message), accountId, ca.certificateId);
    await executeCommand(
      context,
      caCertificateAggregate(ca.certificateId, regionOf(context, message)),
      () => ({
        type: 'RegisterCaCertificate' as const,
        certificateId: ca.certificateId,
        certificateArn,
        ownedBy: accountId,
        certificatePem: ca.pem,
        subject: ca.parsed.subject,
        notBefore: ca.parsed.notBefore.toISOString(),
        notAfter: ca.parsed.notAfter.toISOString(),
        setAsActive: input.setAsActive ?? false,
        allowAutoRegistration: input.allowAutoRegistration ?? false,
        certificateMode,
        registrationConfig: registrationConfig(input.registrationConfig),
        tags: input.tags ?? [],
        now,
        generationId: context.newId(),
      }),
      requestMeta(message),
    );
    return { certificateArn, certificateId: ca.certificateId };
  };
}

async function ownedCa(context: IotContext, message: CommandMessage, certificateId: string) {
  const row = await findCaCertificate(iotDb(context.db), certificateId);
  // A CA certificate of another region (its ARN's) is not found here, as on AWS.
  if (!row || row.owned_by !== message.caller.accountId || regionOfIotArn(row.certificate_arn) !== regionOf(context, message)) throw iotErrors.notFound('CA certificate', certificateId);
  return row;
}

export function describeCaCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const row = await ownedCa(context, message, normalizeCertificateId((message.input as { certificateId: string }).certificateId));
    const config = registrationConfigView(row);
    return config ? { certificateDescription: caCertificateDescription(row), registrationConfig: config } : { certificateDescription: caCertificateDescription(row) };
  };
}

interface ListCaInput {
  readonly pageSize?: number;
  readonly marker?: string;
  readonly ascendingOrder?: boolean;
  readonly templateName?: string;
}

/** Default page size of AWS IoT's list operations ("paginated with a default page size of 25"). */
export const DEFAULT_PAGE_SIZE = 25;

export function listCaCertificatesHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as ListCaInput;
    const page = await listCaCertificates(iotDb(context.db), message.caller.accountId, {
      region: regionOf(context, message),
      pageSize: input.pageSize ?? DEFAULT_PAGE_SIZE,
      marker: input.marker,
      ascending: input.ascendingOrder ?? false,
      templateName: input.templateName,
    });
    return page.nextMarker ? { certificates: page.rows.map(caCertificateSummary), nextMarker: page.nextMarker } : { certificates: page.rows.map(caCertificateSummary) };
  };
}

interface UpdateCaInput {
  readonly certificateId: string;
  readonly newStatus?: IotCaCertificateStatus;
  readonly newAutoRegistrationStatus?: IotAutoRegistrationStatus;
  readonly registrationConfig?: RegistrationConfigInput;
  readonly removeAutoRegistration?: boolean;
}

export function updateCaCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as UpdateCaInput;
    const certificateId = normalizeCertificateId(input.certificateId);
    await executeCommand(
      context,
      caCertificateAggregate(certificateId, regionOf(context, message)),
      () => ({
        type: 'UpdateCaCertificate' as const,
        caller: message.caller.accountId,
        certificateId,
        newStatus: input.newStatus,
        newAutoRegistrationStatus: input.newAutoRegistrationStatus,
        registrationConfig: registrationConfig(input.registrationConfig) ?? undefined,
        removeAutoRegistration: input.removeAutoRegistration ?? false,
        now: context.now(),
        generationId: context.newId(),
      }),
      requestMeta(message),
    );
    return {};
  };
}

export function deleteCaCertificateHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const certificateId = normalizeCertificateId((message.input as { certificateId: string }).certificateId);
    const deviceCertificateCount = await countCertificatesOfCa(iotDb(context.db), certificateId);
    await executeCommand(
      context,
      caCertificateAggregate(certificateId, regionOf(context, message)),
      () => ({ type: 'DeleteCaCertificate' as const, caller: message.caller.accountId, certificateId, deviceCertificateCount, now: context.now() }),
      requestMeta(message),
    );
    return {};
  };
}

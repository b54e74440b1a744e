/**
 * Internal signing operations other services call over NATS on ca-service's command server
 * (`SignData`, `SignDigest`; contract and payload types in libs/contracts signing.ts). They are
 * not acm-pca operations, so the gateway never routes them. Each request is checked against the
 * CA's read model (exists; ACTIVE, or PENDING_CERTIFICATE for a ROOT CA signing its own
 * CA_CERTIFICATE, or DISABLED for revocation status: a disabled CA issues nothing new but its
 * CRLs and OCSP answers keep telling relying parties what it revoked), then signed and
 * audited through SigningService. A certificate's SignData (purpose CERTIFICATE or
 * CA_CERTIFICATE, naming its certificateId) signs once per certificate: CertificateSignatures.
 */
import { DomainError, SIGNING_OPERATIONS, type CommandMessage, type SignatureBatchOutput, type SignatureOutput } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from '../application/ca-context';
import { certificateSignatureDb, findSigningCa } from './certificate-signature.queries';
import { CertificateSignatures, type AuthorizedSigning } from './certificate-signatures';
import { parseSignBatchRequest, parseSignRequest, type ParsedSignRequest } from './signing-request';
import { signingServiceFor } from './signing.service';

/** The part of CaContext the signing operations use. */
export type SigningContext = Pick<CaContext, 'db' | 'store' | 'now' | 'keys'>;

async function authorize(context: SigningContext, request: Omit<ParsedSignRequest, 'bytes'>, message: CommandMessage): Promise<AuthorizedSigning> {
  const found = await findSigningCa(certificateSignatureDb(context.db), request.certificateAuthorityId, request.certificateId);
  if (!found) throw new DomainError('NotFound', `Certificate authority ${request.certificateAuthorityId} does not exist.`, 'ResourceNotFoundException');
  const { ca, recorded } = found;
  const ownCertificate = request.purpose === 'CA_CERTIFICATE' && ca.status === 'PENDING_CERTIFICATE' && ca.type === 'ROOT';
  // RevokeCertificate works on DISABLED CAs (AWS), so their revocation status must stay published.
  const revocationStatus = (request.purpose === 'CRL' || request.purpose === 'OCSP') && ca.status === 'DISABLED';
  if (ca.status !== 'ACTIVE' && !ownCertificate && !revocationStatus) {
    throw new DomainError(
      'InvalidState',
      `Certificate authority ${ca.id} is ${ca.status}: its key signs only while the CA is ACTIVE (a ROOT CA may also sign its own CA_CERTIFICATE while PENDING_CERTIFICATE, and a DISABLED CA still signs CRLs and OCSP responses).`,
      'InvalidStateException',
    );
  }
  return {
    request: {
      certificateAuthorityId: ca.id,
      signingAlgorithm: request.signingAlgorithm,
      purpose: request.purpose,
      requestedBy: request.requestedBy,
      ownerAccountId: ca.owner_account,
      requestedForAccount: message.caller.accountId,
      correlationId: message.requestId,
    },
    recorded,
  };
}

export function signingHandlers(context: SigningContext): CommandHandlers {
  const signing = signingServiceFor(context);
  const certificates = new CertificateSignatures(context.db, signing);
  return {
    [SIGNING_OPERATIONS.SignData]: async (message): Promise<SignatureOutput> => {
      const request = parseSignRequest(message.input, 'data');
      const { certificateId } = request;
      const signature =
        certificateId === null
          ? await signing.sign((await authorize(context, request, message)).request, request.bytes)
          : await certificates.sign({ ...request, certificateId }, () => authorize(context, request, message));
      return { signatureBase64: Buffer.from(signature).toString('base64') };
    },
    // Several OCSP responses of one CA: the CA checked once, one journal transaction for all their CaKeyUsed records.
    [SIGNING_OPERATIONS.SignDataBatch]: async (message): Promise<SignatureBatchOutput> => {
      const batch = parseSignBatchRequest(message.input);
      const { request } = await authorize(context, { ...batch, certificateId: null }, message);
      const { correlationId: _, ...common } = request;
      const signatures = await signing.signMany(common, batch.items);
      return { signaturesBase64: signatures.map((s) => Buffer.from(s).toString('base64')) };
    },
    [SIGNING_OPERATIONS.SignDigest]: async (message): Promise<SignatureOutput> => {
      const request = parseSignRequest(message.input, 'digest');
      const signature = await signing.signDigest((await authorize(context, request, message)).request, request.bytes);
      return { signatureBase64: Buffer.from(signature).toString('base64') };
    },
  };
}

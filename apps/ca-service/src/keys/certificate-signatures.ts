/**
 * A certificate gets at most one signature, ever (issue #12). SignData for CERTIFICATE and
 * CA_CERTIFICATE names the certificate; the first request signs and keeps the signature with its
 * CaKeyUsed record (KeyUsageJournal, one transaction); a repeat with the same TBSCertificate
 * (same CA and algorithm) gets that signature back without the key being used again; different
 * data for the same certificate is refused. For ECDSA a second signature of one TBS would be a
 * second, different certificate with the same serial: what issuance's recovery worker used to
 * make when a process died between the signature and its outcome.
 *
 * Cost per first signature: a primary-key lookup joined to the CA lookup (one statement) and
 * one row in the journal's batched transaction. Concurrent duplicates in this process share the
 * first request's work (single flight); replicas racing for one certificate are settled by the
 * table's primary key in the journal's transaction.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '@pki/contracts';
import type { Kysely } from 'kysely';
import { certificateSignatureDb, findCertificateSignature } from './certificate-signature.queries';
import type { CertificateSignatureRow } from './certificate-signature.table';
import { CertificateAlreadySigned } from './key-usage-journal';
import type { ParsedSignRequest } from './signing-request';
import type { SigningRequest, SigningService } from './signing.service';

/** A request the CA may sign, and the signature already recorded for its certificate (if it names one). */
export interface AuthorizedSigning {
  readonly request: SigningRequest;
  readonly recorded: CertificateSignatureRow | undefined;
}

/** What a certificate's signature covers: a repeat must ask for exactly this. */
interface SignatureScope {
  readonly certificateId: string;
  readonly certificateAuthorityId: string;
  readonly signingAlgorithm: string;
  readonly tbsSha256: string;
}

function sameScope(a: SignatureScope, b: SignatureScope): boolean {
  return a.certificateAuthorityId === b.certificateAuthorityId && a.signingAlgorithm === b.signingAlgorithm && a.tbsSha256 === b.tbsSha256;
}

const conflict = (certificateId: string) =>
  new DomainError(
    'Conflict',
    `Certificate ${certificateId} is already signed over other data (another TBSCertificate, CA or signing algorithm): a certificate is signed once, and only what was signed first is signed for it.`,
  );

function recordedSignature(row: CertificateSignatureRow, asked: SignatureScope): Uint8Array {
  const recorded = { certificateId: row.certificate_id, certificateAuthorityId: row.certificate_authority_id, signingAlgorithm: row.signing_algorithm, tbsSha256: row.tbs_sha256 };
  if (!sameScope(recorded, asked)) throw conflict(asked.certificateId);
  return row.signature;
}

export class CertificateSignatures {
  /** Certificates being signed by this process: duplicates wait for the first request's answer. */
  private readonly inFlight = new Map<string, { readonly scope: SignatureScope; readonly signature: Promise<Uint8Array> }>();

  constructor(
    private readonly db: Kysely<any>,
    private readonly signing: SigningService,
  ) {}

  /**
   * The certificate's signature: made now if it has none, else the recorded one. `authorize`
   * checks the CA, names who asks and reads the signature recorded for the certificate.
   */
  sign(request: ParsedSignRequest & { readonly certificateId: string }, authorize: () => Promise<AuthorizedSigning>): Promise<Uint8Array> {
    const scope: SignatureScope = {
      certificateId: request.certificateId,
      certificateAuthorityId: request.certificateAuthorityId,
      signingAlgorithm: request.signingAlgorithm,
      tbsSha256: createHash('sha256').update(request.bytes).digest('hex'),
    };
    const running = this.inFlight.get(scope.certificateId);
    if (running) {
      if (!sameScope(running.scope, scope)) return Promise.reject(conflict(scope.certificateId));
      return running.signature;
    }
    const signature = this.signOnce(scope, request.bytes, authorize).finally(() => this.inFlight.delete(scope.certificateId));
    this.inFlight.set(scope.certificateId, { scope, signature });
    return signature;
  }

  private async signOnce(scope: SignatureScope, tbs: Uint8Array, authorize: () => Promise<AuthorizedSigning>): Promise<Uint8Array> {
    const { request, recorded } = await authorize();
    if (recorded) return recordedSignature(recorded, scope);
    try {
      return await this.signing.sign(request, tbs, scope.certificateId);
    } catch (error) {
      if (!(error instanceof CertificateAlreadySigned)) throw error;
      // Another replica's signature of this certificate committed first; ours was never recorded or returned.
      const winner = await findCertificateSignature(certificateSignatureDb(this.db), scope.certificateId);
      if (!winner) throw new DomainError('Internal', `Certificate ${scope.certificateId}: its recorded signature could not be read back.`, undefined, { cause: error });
      return recordedSignature(winner, scope);
    }
  }
}

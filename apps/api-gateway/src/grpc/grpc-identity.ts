/**
 * Who a gRPC caller is: its TLS client certificate (issue #16).
 *
 * The TLS handshake has already required a certificate chaining to the configured client CA's
 * chain. Per call, the certificate must also be:
 *  1. issued by exactly the configured client CA (the handshake's trust store holds the CA's whole
 *     chain, so a sibling CA under the same root would pass it): its signature verifies with the
 *     client CA's key;
 *  2. within its validity;
 *  3. named by the account rule: exactly one URI subject alternative name, of the form
 *     `spiffe://<PKI_GRPC_TRUST_DOMAIN>/account/<12-digit account id>[/<workload path>]`
 *     (a SPIFFE ID, as an X509-SVID carries it);
 *  4. not revoked: revocation-service's own record of it (CertificateStatus, whatever the CA's
 *     OCSP or CRL configuration). No CRL is fetched.
 * The result is cached per certificate for REVOCATION_RECHECK_MS: a revoked certificate is
 * refused on its calls from at most that long after the revocation. A stream already open is not
 * ended by a later revocation (it was authorized when it started).
 */
import { createHash } from 'node:crypto';
import { parseCertificate, verifyCertificateSignature, type ParsedCertificate } from '@pki/pki';
import { REVOCATION_OPERATIONS, type Caller, type CertificateStatusOutput } from '@pki/contracts';
import { TtlCache, type ServiceClient } from '@pki/service-kit';

/** How long an accepted certificate is trusted before its revocation status is asked again. */
export const REVOCATION_RECHECK_MS = 1_000;
const ACCOUNT_ID = /^\d{12}$/;
/** A SPIFFE ID path segment (SPIFFE-ID spec §2.2): letters, digits, '.', '-', '_'; not '.' or '..'; so no query, fragment or percent-encoding. */
const SPIFFE_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;

const GATEWAY: Caller = { accountId: '000000000000', accessKeyId: 'pki-gateway-grpc' };

/** revocation-service's record of a certificate (serial as parsed: lowercase hex), or undefined when it cannot answer now. */
export async function certificateStatus(services: Pick<ServiceClient, 'request'>, caId: string, serialHex: string, requestId: string): Promise<CertificateStatusOutput | undefined> {
  const serial = serialHex.replace(/^0+(?=.)/, '');
  const reply = await services.request<CertificateStatusOutput>('revocation', REVOCATION_OPERATIONS.CertificateStatus, { caller: GATEWAY, requestId, input: { certificateAuthorityId: caId, serial } });
  return reply.ok && reply.result.status !== 'inProgress' ? reply.result : undefined;
}

export type IdentityCheck = { readonly ok: true; readonly caller: Caller; readonly spiffeId: string } | { readonly ok: false; readonly message: string; readonly unavailable?: true };

/** The account a SPIFFE ID names under `trustDomain`, or why it names none. */
export function accountFromSpiffeId(uri: string, trustDomain: string): { ok: true; accountId: string } | { ok: false; message: string } {
  const prefix = `spiffe://${trustDomain}/`;
  if (!uri.startsWith(prefix)) return { ok: false, message: `The client certificate's URI SAN ${JSON.stringify(uri)} is not a SPIFFE ID of the trust domain ${trustDomain}.` };
  const segments = uri.slice(prefix.length).split('/');
  if (segments[0] !== 'account' || !ACCOUNT_ID.test(segments[1] ?? '') || segments.slice(2).some((s) => !SPIFFE_SEGMENT.test(s))) {
    return { ok: false, message: `The client certificate's SPIFFE ID ${JSON.stringify(uri)} must have the form spiffe://${trustDomain}/account/<12-digit account id>[/<workload>].` };
  }
  return { ok: true, accountId: segments[1]! };
}

/** A check that could not be made now: not cached (TtlCache keeps no failed load), answered as is. */
class CheckUnavailable extends Error {
  constructor(readonly result: IdentityCheck) {
    super('the client certificate cannot be checked now');
  }
}

export interface ClientIdentityOptions {
  readonly clientCa: ParsedCertificate;
  readonly trustDomain: string;
  /** The client CA's id (the last part of its ARN). */
  readonly clientCaId: string;
  readonly services: Pick<ServiceClient, 'request'>;
  readonly now?: () => number;
}

export class ClientIdentity {
  private readonly cache = new TtlCache<IdentityCheck>(REVOCATION_RECHECK_MS, 10_000);
  private readonly now: () => number;

  constructor(private readonly o: ClientIdentityOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The caller a client certificate (DER, from the TLS session) stands for, or why it is refused. */
  async check(der: Buffer, requestId: string): Promise<IdentityCheck> {
    const key = createHash('sha256').update(der).digest('base64');
    try {
      // One check in flight per certificate; its answer serves the calls of the next REVOCATION_RECHECK_MS.
      return await this.cache.get(key, this.now(), async () => {
        const result = await this.checkNow(der, requestId);
        if (!result.ok && result.unavailable) throw new CheckUnavailable(result);
        return result;
      });
    } catch (error) {
      if (error instanceof CheckUnavailable) return error.result;
      throw error;
    }
  }

  private async checkNow(der: Buffer, requestId: string): Promise<IdentityCheck> {
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(der);
    } catch (error) {
      return { ok: false, message: `The client certificate cannot be read: ${error instanceof Error ? error.message : String(error)}.` };
    }
    if (!verifyCertificateSignature(cert, this.o.clientCa.publicKeySpki)) {
      return { ok: false, message: `The client certificate (issuer ${cert.issuer}) was not issued by the gRPC client CA (${this.o.clientCa.subject}).` };
    }
    const now = this.now();
    if (now < cert.notBefore.getTime() || now > cert.notAfter.getTime()) {
      return { ok: false, message: `The client certificate is not valid now (valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}).` };
    }
    const uris = (cert.subjectAltNames ?? []).filter((name) => name.kind === 'uniformResourceIdentifier');
    if (uris.length !== 1) {
      return { ok: false, message: `The client certificate must carry exactly one URI SAN, spiffe://${this.o.trustDomain}/account/<12-digit account id>[/<workload>]; it carries ${uris.length}.` };
    }
    const account = accountFromSpiffeId(uris[0]!.value, this.o.trustDomain);
    if (!account.ok) return account;
    const known = await certificateStatus(this.o.services, this.o.clientCaId, cert.serialHex, requestId);
    if (!known) return { ok: false, unavailable: true, message: 'The revocation status of the client certificate cannot be checked now; try again shortly.' };
    const status = known.status;
    if (status === 'revoked') return { ok: false, message: `The client certificate (serial ${cert.serialHex}) is revoked.` };
    if (status !== 'good') return { ok: false, message: `The platform does not know the client certificate (serial ${cert.serialHex}) as issued by the gRPC client CA.` };
    return { ok: true, caller: { accountId: account.accountId, accessKeyId: `x509:${cert.serialHex}` }, spiffeId: uris[0]!.value };
  }
}

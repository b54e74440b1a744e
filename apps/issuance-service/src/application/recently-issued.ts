/**
 * The certificates this process issued last, for the GetCertificate that follows almost every
 * IssueCertificate (the AWS flow: issue, then get, as the SDK's certificate_issued waiter does).
 * An issued certificate never changes in issuance's read model (its row goes REQUESTED -> ISSUED
 * once; revocation lives in revocation-service), so what was committed can be answered from
 * here as the table would answer it. Only outcomes already committed are remembered; a
 * GetCertificate on another replica, or for an older certificate, reads the table. Bounded: the
 * oldest goes first.
 */
export interface IssuedCertificate {
  readonly certificateDer: Uint8Array;
  /** GetCertificate CertificateChain as recorded with the request (null for a self-signed certificate). */
  readonly certificateChainPem: string | null;
}

export class RecentlyIssued {
  private readonly issued = new Map<string, IssuedCertificate>();

  constructor(private readonly maxEntries = 4096) {}

  /** After the CertificateIssued event of certificate `serial` (lowercase hex) of CA `caId` committed. */
  remember(caId: string, serial: string, certificate: IssuedCertificate): void {
    if (this.issued.size >= this.maxEntries) this.issued.delete(this.issued.keys().next().value as string);
    this.issued.set(`${caId}/${serial}`, certificate);
  }

  find(caId: string, serial: string): IssuedCertificate | undefined {
    return this.issued.get(`${caId}/${serial}`);
  }
}

/**
 * revocation-service's metrics: revocations, CRLs per CA, OCSP answers (the gateway counts the
 * ones it gives from its pre-signed responses). CRL figures per CA (number, entries, thisUpdate/nextUpdate) are read from crl_states at
 * each scrape, so every replica reports every CA's current CRL, also right after a restart.
 */
import { counter, gauge, histogram, onScrape } from '@pki/service-kit';
import { revocationDb, type RevocationDb } from '../infrastructure/database';

/** What an OCSP answer says, for the metrics: the worst status of its CertIDs (revoked, unknown, good), or the status-only response. */
export type OcspAnswerStatus = 'good' | 'revoked' | 'unknown' | 'malformed' | 'unauthorized' | 'tryLater';

export const certificatesRevoked = counter('pki_certificates_revoked_total', 'Certificates revoked (RevokeCertificate committed), by CA id and revocation reason', ['ca', 'reason']);

const ocspResponses = counter('pki_ocsp_responses_total', 'OCSP answers by status: good, revoked, unknown (the worst of the CertIDs), or the status-only malformed, unauthorized, tryLater, internalError', ['status']);

/** Counts one OCSP answer and returns it. */
export function countOcsp<T>(status: OcspAnswerStatus, answer: T): T {
  ocspResponses.inc({ status });
  return answer;
}

const crlGeneration = histogram('pki_crl_generation_duration_seconds', 'Time to generate, sign and publish one CRL (all CAs)', [], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]);
const crlLastDuration = gauge('pki_crl_last_generation_duration_seconds', 'Duration of the last CRL this process generated, by CA id', ['ca']);
const crlSize = gauge('pki_crl_size_bytes', 'Size of the last CRL this process published, by CA id', ['ca']);
const crlFailures = counter('pki_crl_generation_failures_total', 'CRL generations that failed (retried with backoff), by CA id', ['ca']);
const crlNumber = gauge('pki_crl_number', 'cRLNumber of the CA\'s current CRL (crl_states)', ['ca']);
const crlEntries = gauge('pki_crl_entries', 'Revoked certificates listed in the CA\'s current CRL', ['ca']);
const crlThisUpdate = gauge('pki_crl_this_update_timestamp_seconds', 'thisUpdate of the CA\'s current CRL, Unix seconds', ['ca']);
const crlNextUpdate = gauge('pki_crl_next_update_timestamp_seconds', 'nextUpdate of the CA\'s current CRL, Unix seconds: alert when time() nears it (a stale CRL fails every relying party)', ['ca']);

export function crlPublished(caId: string, seconds: number, sizeBytes: number): void {
  crlGeneration.observe(seconds);
  crlLastDuration.set({ ca: caId }, seconds);
  crlSize.set({ ca: caId }, sizeBytes);
}

export function crlFailed(caId: string): void {
  crlFailures.inc({ ca: caId });
}

/** The current CRL of every ACTIVE CA with CRLs enabled: one small query per scrape (one row per CA). */
async function collectCrlStates(db: RevocationDb): Promise<void> {
  const rows = await db
    .selectFrom('crl_states as s')
    .innerJoin('cas as c', 'c.id', 's.ca_id')
    .select(['s.ca_id', 's.crl_number', 's.entry_count', 's.this_update', 's.next_update'])
    .where('c.status', '=', 'ACTIVE')
    .where('c.crl_enabled', '=', true)
    .where('s.crl_number', 'is not', null)
    .execute();
  for (const gaugeOfCa of [crlNumber, crlEntries, crlThisUpdate, crlNextUpdate]) gaugeOfCa.reset();
  for (const row of rows) {
    const ca = row.ca_id;
    crlNumber.set({ ca }, Number(row.crl_number));
    if (row.entry_count !== null) crlEntries.set({ ca }, row.entry_count);
    if (row.this_update) crlThisUpdate.set({ ca }, row.this_update.getTime() / 1000);
    if (row.next_update) crlNextUpdate.set({ ca }, row.next_update.getTime() / 1000);
  }
}

/** Registers the scrape-time CRL collection on the service's database; returns its removal. */
export function collectCrlMetrics(db: Parameters<typeof revocationDb>[0]): () => void {
  return onScrape('revocation-crl-states', () => collectCrlStates(revocationDb(db)));
}

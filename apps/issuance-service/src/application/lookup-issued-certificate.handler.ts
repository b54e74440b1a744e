import {
  certificateStream,
  DomainError,
  ISSUANCE_EVENT_TYPES,
  type CertificateIssuedV1,
  type CommandMessage,
  type LookupIssuedCertificateInput,
  type LookupIssuedCertificateOutput,
  isPlatformId,
} from '@pki/contracts';
import { issuanceDb } from '../infrastructure/database';
import { findCertificate } from '../infrastructure/certificate.queries';
import type { IssuanceContext } from './issuance-context';

/** The stored form of a serial (certificate.table.ts): lowercase hex, no leading zeros; RFC 5280 §4.1.2.2: positive, at most 20 octets. */
const SERIAL = /^[1-9a-f][0-9a-f]{0,39}$/;

/**
 * LookupIssuedCertificate (internal, libs/contracts ISSUANCE_OPERATIONS): whether this service
 * issued `serial` on the CA, from its own records. For an issued certificate the answer is its
 * CertificateIssued event as stored (id and payload): what the asking service would have
 * projected, so its copy and the later projected event agree (insert on conflict do nothing).
 * Access is the asking service's business (it checks the CA's owner against its caller).
 */
export function lookupIssuedCertificateHandler(context: IssuanceContext) {
  return async (message: CommandMessage): Promise<LookupIssuedCertificateOutput> => {
    const input = message.input as Partial<LookupIssuedCertificateInput> | null;
    const caId = input?.certificateAuthorityId;
    const serial = input?.serial;
    if (!isPlatformId(caId) || typeof serial !== 'string' || !SERIAL.test(serial)) {
      throw new DomainError('Malformed', 'LookupIssuedCertificate needs a certificateAuthorityId (UUID) and a serial (lowercase hex, no leading zeros).', 'InvalidRequestException');
    }
    const row = await findCertificate(issuanceDb(context.db), caId, serial);
    if (!row) return { status: 'NOT_ISSUED' };
    switch (row.status) {
      case 'FAILED':
        return { status: 'NOT_ISSUED' };
      case 'REQUESTED':
        return { status: 'IN_PROGRESS' };
      case 'ISSUED': {
        const issued = (await context.store.load(certificateStream(row.id))).find((e) => e.type === ISSUANCE_EVENT_TYPES.CertificateIssued);
        // The read model is written in the same transaction as the event: one without the other is a broken store.
        if (!issued) throw new Error(`certificate ${row.arn} is ISSUED in the read model but its stream holds no ${ISSUANCE_EVENT_TYPES.CertificateIssued}`);
        return { status: 'ISSUED', eventId: issued.id, certificate: issued.data as CertificateIssuedV1 };
      }
      default: {
        const exhaustive: never = row.status;
        throw new Error(`unknown certificate status ${String(exhaustive)}`);
      }
    }
  };
}

/**
 * ListCertificates / ListCertificatesByCA / ListCACertificates markers: the last row's
 * (creationDate, certificateId) as base64, which satisfies the model's Marker pattern
 * `[A-Za-z0-9+/]+={0,2}`. Keyset pagination, so every row appears exactly once however many
 * are registered between pages.
 */
import { DomainError } from '@pki/contracts';

export interface PagePosition {
  readonly creationDate: Date;
  readonly certificateId: string;
}

export function encodeMarker(position: PagePosition): string {
  return Buffer.from(`${position.creationDate.toISOString()}|${position.certificateId}`, 'utf8').toString('base64');
}

export function decodeMarker(marker: string): PagePosition {
  const [date, id, ...rest] = Buffer.from(marker, 'base64').toString('utf8').split('|');
  const creationDate = new Date(date ?? '');
  if (rest.length || !id || !/^[0-9a-f]{64}$/.test(id) || Number.isNaN(creationDate.getTime())) {
    throw new DomainError('Malformed', 'The marker is not one this API returned; pass the nextMarker of the previous page unchanged.', 'InvalidRequestException');
  }
  return { creationDate, certificateId: id };
}

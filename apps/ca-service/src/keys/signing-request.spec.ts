import { SIGN_DATA_MAX_OCTETS } from '@pki/contracts';
import { parseSignRequest } from './signing-request';

describe('parseSignRequest', () => {
  const base = {
    certificateAuthorityId: '3F1B0A52-6A6E-4C59-9A71-0B9A3C1D2E4F',
    signingAlgorithm: 'SHA256WITHRSA',
    purpose: 'CERTIFICATE',
    requestedBy: 'issuance-service',
  };

  const certificateId = 'f0e1d2c3-b4a5-4697-8889-9a0b1c2d3e4f';

  it('accepts a SignData request and normalises the CA id', () => {
    const parsed = parseSignRequest({ ...base, certificateId, dataBase64: Buffer.from('tbs').toString('base64') }, 'data');
    expect(parsed).toEqual({ ...base, certificateAuthorityId: base.certificateAuthorityId.toLowerCase(), certificateId, bytes: Buffer.from('tbs') });
  });

  it('takes no certificate id for OCSP responses', () => {
    const parsed = parseSignRequest({ ...base, purpose: 'OCSP', dataBase64: Buffer.from('tbs').toString('base64') }, 'data');
    expect(parsed).toMatchObject({ purpose: 'OCSP', certificateId: null });
  });

  it('accepts a SignDigest request whose digest fits the algorithm', () => {
    expect(parseSignRequest({ ...base, purpose: 'CRL', signingAlgorithm: 'SHA384WITHECDSA', digestBase64: Buffer.alloc(48, 7).toString('base64') }, 'digest').bytes).toEqual(Buffer.alloc(48, 7));
  });

  // A certificate is signed once per certificate id (SignData is idempotent per id), so its
  // signature must name the certificate and never come through SignDigest, which is not.
  it.each([
    [{ ...base, dataBase64: 'AA==' }, 'data', /certificateId is required for purpose CERTIFICATE/],
    [{ ...base, purpose: 'CA_CERTIFICATE', dataBase64: 'AA==' }, 'data', /certificateId is required for purpose CA_CERTIFICATE/],
    [{ ...base, certificateId: '', dataBase64: 'AA==' }, 'data', /certificateId must be 1-256 printable characters/],
    [{ ...base, certificateId: 7, dataBase64: 'AA==' }, 'data', /certificateId is required and must be a string/],
    [{ ...base, purpose: 'OCSP', certificateId, dataBase64: 'AA==' }, 'data', /certificateId is only for purposes CA_CERTIFICATE, CERTIFICATE/],
    [{ ...base, digestBase64: Buffer.alloc(32).toString('base64') }, 'digest', /purpose CERTIFICATE is not available through SignDigest: use SignData with the certificateId/],
  ] as const)('refuses a certificate signature that does not name its certificate (%#)', (input, kind, message) => {
    expect(() => parseSignRequest(input, kind)).toThrow(message);
    expect(() => parseSignRequest(input, kind)).toThrow(expect.objectContaining({ kind: 'Malformed', code: 'InvalidArgsException' }));
  });

  it.each([
    [{ ...base, dataBase64: 'AA==', certificateAuthorityId: 'arn:aws:acm-pca:x' }, /is not a CA id/],
    [{ ...base, dataBase64: 'AA==', signingAlgorithm: 'SHA1WITHRSA' }, /signingAlgorithm "SHA1WITHRSA" is not one of/],
    [{ ...base, dataBase64: 'AA==', purpose: 'CSR' }, /purpose CSR is not available to other services/],
    [{ ...base, dataBase64: 'AA==', purpose: 'ANYTHING' }, /purpose "ANYTHING" is not one of CA_CERTIFICATE, CERTIFICATE, CRL, OCSP/],
    [{ ...base, dataBase64: 'AA==', requestedBy: '' }, /requestedBy must be 1-256 printable characters/],
    [{ ...base, dataBase64: 'AA==', requestedBy: undefined }, /requestedBy is required/],
    [{ ...base, dataBase64: 'not base64!' }, /dataBase64 is not valid base64/],
    [{ ...base, dataBase64: '' }, /dataBase64 is empty/],
    [{ ...base }, /dataBase64 is required/],
    [[base], /must be a JSON object/],
  ])('refuses a malformed SignData request with InvalidArgsException (%#)', (input, message) => {
    expect(() => parseSignRequest(input, 'data')).toThrow(message);
    expect(() => parseSignRequest(input, 'data')).toThrow(expect.objectContaining({ kind: 'Malformed', code: 'InvalidArgsException' }));
  });

  it('refuses data over 1 MB and points at SignDigest', () => {
    const big = Buffer.alloc(SIGN_DATA_MAX_OCTETS + 1).toString('base64');
    expect(() => parseSignRequest({ ...base, certificateId, dataBase64: big }, 'data')).toThrow(`dataBase64 decodes to more than ${SIGN_DATA_MAX_OCTETS} octets: hash the data and use SignDigest.`);
    expect(parseSignRequest({ ...base, certificateId, dataBase64: Buffer.alloc(SIGN_DATA_MAX_OCTETS).toString('base64') }, 'data').bytes.length).toBe(SIGN_DATA_MAX_OCTETS);
  });

  it('refuses a digest of the wrong length for the algorithm', () => {
    expect(() => parseSignRequest({ ...base, purpose: 'CRL', digestBase64: Buffer.alloc(48).toString('base64') }, 'digest')).toThrow('A SHA256 digest for SHA256WITHRSA is 32 octets, got 48.');
  });
});

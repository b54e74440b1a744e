import { AUDIT_REPORT_FIELDS, auditReportChunks, csvField, formatAuditReport, formatSerial, formatTimestamp, type AuditRecord } from './audit-report.format';

const issued: AuditRecord = {
  awsAccountId: '123456789012',
  requestedByServicePrincipal: null,
  certificateArn: 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca/certificate/0011',
  serial: '00112233445566778899aabbccddeeff',
  subject: 'CN=www.example1.com,OU=Sales,O=Example Company,L=Seattle,ST=Washington,C=US',
  notBefore: new Date('2020-03-02T21:43:57Z'),
  notAfter: new Date('2020-04-07T22:43:57Z'),
  issuedAt: new Date('2020-03-02T22:43:58.734Z'),
  revokedAt: null,
  revocationReason: null,
  templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
};
const revoked: AuditRecord = {
  ...issued,
  requestedByServicePrincipal: 'acm.amazonaws.com',
  serial: 'FFEEDDCCBBAA99887766554433221100',
  subject: 'CN=say "hi",O=Example',
  revokedAt: new Date('2020-03-03T08:00:36Z'),
  revocationReason: 'KEY_COMPROMISE',
};

describe('audit report formatting (PcaAuditReport.md)', () => {
  it('renders serials as colon-separated lowercase hex octets', () => {
    expect(formatSerial('00112233445566778899aabbccddeeff')).toBe('00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff');
    expect(formatSerial('ABC')).toBe('0a:bc');
    expect(() => formatSerial('xyz')).toThrow('not hexadecimal');
  });

  it('renders timestamps as 2020-03-02T21:43:57+0000 (UTC, whole seconds)', () => {
    expect(formatTimestamp(new Date('2020-03-02T21:43:57.999Z'))).toBe('2020-03-02T21:43:57+0000');
  });

  it('quotes CSV fields with commas, quotes or line breaks and doubles inner quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes CSV with AWS header line, empty fields for absent members', () => {
    const { body, contentType } = formatAuditReport([issued, revoked], 'CSV');
    expect(contentType).toBe('text/csv');
    expect(body.split('\r\n')).toEqual([
      'awsAccountId,requestedByServicePrincipal,certificateArn,serial,subject,notBefore,notAfter,issuedAt,revokedAt,revocationReason,templateArn',
      '123456789012,,arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca/certificate/0011,00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff,' +
        '"CN=www.example1.com,OU=Sales,O=Example Company,L=Seattle,ST=Washington,C=US",2020-03-02T21:43:57+0000,2020-04-07T22:43:57+0000,2020-03-02T22:43:58+0000,,,' +
        'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      '123456789012,acm.amazonaws.com,arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca/certificate/0011,ff:ee:dd:cc:bb:aa:99:88:77:66:55:44:33:22:11:00,' +
        '"CN=say ""hi"",O=Example",2020-03-02T21:43:57+0000,2020-04-07T22:43:57+0000,2020-03-02T22:43:58+0000,2020-03-03T08:00:36+0000,KEY_COMPROMISE,' +
        'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      '',
    ]);
  });

  it('writes JSON as an array of records in AWS field order, leaving absent members out', () => {
    const { body, contentType } = formatAuditReport([issued, revoked], 'JSON');
    expect(contentType).toBe('application/json');
    const parsed = JSON.parse(body) as Array<Record<string, string>>;
    expect(parsed[0]).toEqual({
      awsAccountId: '123456789012',
      certificateArn: issued.certificateArn,
      serial: '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
      subject: issued.subject,
      notBefore: '2020-03-02T21:43:57+0000',
      notAfter: '2020-04-07T22:43:57+0000',
      issuedAt: '2020-03-02T22:43:58+0000',
      templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
    });
    expect(Object.keys(parsed[1]!)).toEqual([...AUDIT_REPORT_FIELDS]);
    expect(parsed[1]).toMatchObject({ requestedByServicePrincipal: 'acm.amazonaws.com', revokedAt: '2020-03-03T08:00:36+0000', revocationReason: 'KEY_COMPROMISE' });
  });

  it('writes an empty report for a CA that issued nothing', () => {
    expect(JSON.parse(formatAuditReport([], 'JSON').body)).toEqual([]);
    expect(formatAuditReport([], 'CSV').body).toBe(`${AUDIT_REPORT_FIELDS.join(',')}\r\n`);
  });

  it('streams the same text as the whole report, whatever the pages (empty pages, one record, none at all)', async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ ...(i % 2 ? revoked : issued), serial: `0${i}`, subject: i === 3 ? 'CN=a,\nb' : issued.subject }));
    const paged = async function* (pages: AuditRecord[][]) {
      yield* pages;
    };
    const joined = async (pages: AuditRecord[][], format: 'JSON' | 'CSV') => {
      let text = '';
      for await (const chunk of auditReportChunks(paged(pages), format)) text += chunk;
      return text;
    };
    for (const format of ['JSON', 'CSV'] as const) {
      for (const pages of [[], [[]], [many.slice(0, 1)], [many.slice(0, 3), [], many.slice(3)], many.map((r) => [r])]) {
        expect(await joined(pages, format)).toBe(formatAuditReport(pages.flat(), format).body);
      }
    }
  });
});

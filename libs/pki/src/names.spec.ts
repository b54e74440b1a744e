import { Name } from '@peculiar/x509';
import { PkiEncodeError, PkiParseError } from './errors';
import { nameToString, readName } from './name-render';
import { encodeName } from './names';

const TAG_UTF8 = 0x0c;
const TAG_PRINTABLE = 0x13;
const TAG_IA5 = 0x16;

describe('encodeName', () => {
  it('writes every ASN1Subject member, one RDN each, in the order AWS writes them', () => {
    const der = encodeName({
      CommonName: 'example.com',
      Country: 'US',
      Organization: 'Big Org',
      OrganizationalUnit: 'Sales',
      DistinguishedNameQualifier: 'dnq1',
      State: 'WA',
      SerialNumber: '12345',
      Locality: 'Seattle',
      Title: 'Dr',
      Surname: 'Doe',
      GivenName: 'Jane',
      Initials: 'JD',
      Pseudonym: 'jd',
      GenerationQualifier: 'III',
    });
    const rdns = readName(der);
    expect(rdns.every((rdn) => rdn.length === 1)).toBe(true);
    expect(rdns.map(([a]) => a.oid)).toEqual([
      '2.5.4.6',
      '2.5.4.8',
      '2.5.4.7',
      '2.5.4.10',
      '2.5.4.11',
      '2.5.4.3',
      '2.5.4.46',
      '2.5.4.12',
      '2.5.4.4',
      '2.5.4.42',
      '2.5.4.43',
      '2.5.4.65',
      '2.5.4.44',
      '2.5.4.5',
    ]);
    const tags = rdns.map(([a]) => a.valueDer[0]);
    expect(tags[0]).toBe(TAG_PRINTABLE); // C
    expect(tags[6]).toBe(TAG_PRINTABLE); // dnQualifier
    expect(tags[13]).toBe(TAG_PRINTABLE); // serialNumber
    expect(tags.filter((t) => t === TAG_UTF8)).toHaveLength(11);
    expect(nameToString(der)).toBe(
      'serialNumber=12345,generationQualifier=III,pseudonym=jd,initials=JD,GN=Jane,SN=Doe,title=Dr,dnQualifier=dnq1,CN=example.com,OU=Sales,O=Big Org,L=Seattle,ST=WA,C=US',
    );
    // @peculiar/x509 reads it the same way
    expect(new Name(der).toString()).toContain('CN=example.com');
  });

  it('writes custom attributes in the given order', () => {
    const der = encodeName({
      CustomAttributes: [
        { ObjectIdentifier: '2.5.4.6', Value: 'US' },
        { ObjectIdentifier: '1.3.6.1.4.1.37244.1.1', Value: 'BCDABCDA12341234' },
        { ObjectIdentifier: '0.9.2342.19200300.100.1.25', Value: 'example' },
        { ObjectIdentifier: '2.5.4.3', Value: 'Ünïcödé' },
      ],
    });
    const rdns = readName(der);
    expect(rdns.map(([a]) => [a.oid, a.valueDer[0], a.value])).toEqual([
      ['2.5.4.6', TAG_PRINTABLE, 'US'],
      ['1.3.6.1.4.1.37244.1.1', TAG_UTF8, 'BCDABCDA12341234'],
      ['0.9.2342.19200300.100.1.25', TAG_IA5, 'example'],
      ['2.5.4.3', TAG_UTF8, 'Ünïcödé'],
    ]);
    expect(nameToString(der)).toBe('CN=Ünïcödé,DC=example,1.3.6.1.4.1.37244.1.1=BCDABCDA12341234,C=US');
  });

  it('refuses mixing custom and standard attributes, bad countries and bad OIDs', () => {
    expect(() => encodeName({ CommonName: 'a', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'b' }] })).toThrow(PkiEncodeError);
    expect(() => encodeName({ Country: 'USA' })).toThrow(PkiEncodeError);
    expect(() => encodeName({ SerialNumber: 'a_b' })).toThrow(PkiEncodeError);
    expect(() => encodeName({ CustomAttributes: [{ ObjectIdentifier: 'cn', Value: 'x' }] })).toThrow(PkiEncodeError);
  });

  it('encodes the empty subject as an empty RDNSequence', () => {
    expect(Buffer.from(encodeName({})).toString('hex')).toBe('3000');
    expect(nameToString(encodeName({}))).toBe('');
  });
});

describe('nameToString', () => {
  it('escapes RFC 4514 specials', () => {
    const der = encodeName({ CommonName: ' a,b+c"d\\e<f>g;h ', Organization: '#x' });
    expect(nameToString(der)).toBe('CN=\\ a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\ ,O=\\#x');
  });

  it('renders multi-valued RDNs and non-string values', () => {
    // SEQUENCE { SET { OU=b, CN=a }, SET { 1.2.3 = INTEGER 5 } }
    const good = Buffer.from('3021' + '3114' + '3008060355040b0c0162' + '300806035504030c0161' + '3109' + '3007' + '06022a03' + '020105', 'hex');
    expect(() => nameToString(good.subarray(0, good.length - 1))).toThrow(PkiParseError);
    expect(nameToString(good)).toBe('1.2.3=#020105,OU=b+CN=a');
  });

  it('reads BMPString values', () => {
    const good = Buffer.from('300f310d300b06035504031e0400680069', 'hex');
    expect(nameToString(good)).toBe('CN=hi');
  });
});

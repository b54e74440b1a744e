/**
 * X.501 Names (RFC 5280 §4.1.2.4): AWS ASN1Subject -> DER, and DER -> RFC 4514 (RFC 2253) text.
 *
 * RDN order. AWS does not document the order in which it writes ASN1Subject members. We write
 * them in the order the members appear in the AWS API reference for ASN1Subject (and in the
 * boto3/Smithy model): Country, Organization, OrganizationalUnit, DistinguishedNameQualifier,
 * State, CommonName, SerialNumber, Locality, Title, Surname, GivenName, Initials, Pseudonym,
 * GenerationQualifier. That matches every AWS-issued name shown in the AWS Private CA User Guide
 * ("C=US, O=Big Org, CN=example.com" in PcaIssueCert, "O=Example Company, OU=Corporate Office,
 * CN=Example Company CA 1" in PcaSignCert), but where State and Locality fall relative to CN
 * could not be confirmed against a real AWS certificate. One attribute per RDN, as AWS does.
 *
 * String types. RFC 5280 Appendix A fixes countryName, serialNumber and dnQualifier as
 * PrintableString; every other standard attribute is a DirectoryString, written as UTF8String
 * (RFC 5280 §4.1.2.4: "CAs MUST use UTF8String" for new names).
 *
 * CustomAttributes are written in the given order, each value a UTF8String, except where RFC 5280
 * Appendix A / RFC 4519 mandate another type for a well-known OID (countryName, serialNumber,
 * dnQualifier as PrintableString; domainComponent and emailAddress as IA5String), because
 * verifiers compare those by type. AWS forbids mixing CustomAttributes with standard attributes
 * ("Custom attributes cannot be used in combination with standard attributes", ASN1Subject).
 */
import { oid } from './der/der-oid';
import { ia5String, isIa5String, isPrintableString, printableString, sequence, setOf, utf8String } from './der/der-writer';
import { PkiEncodeError } from './errors';

export interface CustomAttribute {
  ObjectIdentifier: string;
  Value: string;
}

/** AWS ACM PCA ASN1Subject. */
export interface ASN1Subject {
  Country?: string;
  Organization?: string;
  OrganizationalUnit?: string;
  DistinguishedNameQualifier?: string;
  State?: string;
  CommonName?: string;
  SerialNumber?: string;
  Locality?: string;
  Title?: string;
  Surname?: string;
  GivenName?: string;
  Initials?: string;
  Pseudonym?: string;
  GenerationQualifier?: string;
  CustomAttributes?: CustomAttribute[];
}

type StandardMember = Exclude<keyof ASN1Subject, 'CustomAttributes'>;

/**
 * ASN1Subject members in the order AWS Private CA writes them, with their attribute types
 * (RFC 4519 §2, RFC 5280 App. A). The order is read off the subjects in AWS's audit report
 * examples (PcaAuditReport.md), which render the DN in RFC 2253 order (last RDN first):
 * `2.5.4.5,2.5.4.44,2.5.4.65,2.5.4.43,2.5.4.42,2.5.4.4,2.5.4.12,2.5.4.46,CN,OU,O,L,ST,C`,
 * so in the encoded Name: C, ST, L, O, OU, CN, dnQualifier, title, surname, givenName,
 * initials, pseudonym, generationQualifier, serialNumber.
 */
export const SUBJECT_ATTRIBUTE_ORDER: ReadonlyArray<{ member: StandardMember; oid: string }> = [
  { member: 'Country', oid: '2.5.4.6' },
  { member: 'State', oid: '2.5.4.8' },
  { member: 'Locality', oid: '2.5.4.7' },
  { member: 'Organization', oid: '2.5.4.10' },
  { member: 'OrganizationalUnit', oid: '2.5.4.11' },
  { member: 'CommonName', oid: '2.5.4.3' },
  { member: 'DistinguishedNameQualifier', oid: '2.5.4.46' },
  { member: 'Title', oid: '2.5.4.12' },
  { member: 'Surname', oid: '2.5.4.4' },
  { member: 'GivenName', oid: '2.5.4.42' },
  { member: 'Initials', oid: '2.5.4.43' },
  { member: 'Pseudonym', oid: '2.5.4.65' },
  { member: 'GenerationQualifier', oid: '2.5.4.44' },
  { member: 'SerialNumber', oid: '2.5.4.5' },
];
const PRINTABLE_TYPES = new Set(['2.5.4.6', '2.5.4.5', '2.5.4.46']);
const IA5_TYPES = new Set(['0.9.2342.19200300.100.1.25', '1.2.840.113549.1.9.1']);

/** The DER value of one attribute, typed as described in the file comment. */
function attributeValue(type: string, value: string, member: string): Buffer {
  if (type === '2.5.4.6' && !/^[A-Za-z]{2}$/.test(value)) {
    throw new PkiEncodeError(`${member} must be a two-letter country code (RFC 5280 App. A: PrintableString SIZE (2))`);
  }
  if (PRINTABLE_TYPES.has(type)) {
    if (!isPrintableString(value)) throw new PkiEncodeError(`${member} must use PrintableString characters (RFC 5280 App. A)`);
    return printableString(value);
  }
  if (IA5_TYPES.has(type)) {
    if (!isIa5String(value)) throw new PkiEncodeError(`${member} must be ASCII (IA5String, RFC 4519 / RFC 5280 App. A)`);
    return ia5String(value);
  }
  return utf8String(value);
}

/** One RDN holding one AttributeTypeAndValue. */
function rdn(type: string, value: string, member: string): Buffer {
  return setOf(sequence(oid(type), attributeValue(type, value, member)));
}

/** Name (RDNSequence) DER for an AWS ASN1Subject. An empty subject gives the empty sequence. */
export function encodeName(subject: ASN1Subject): Buffer {
  const rdns: Buffer[] = [];
  for (const { member, oid: type } of SUBJECT_ATTRIBUTE_ORDER) {
    const value = subject[member];
    if (value !== undefined && value !== '') rdns.push(rdn(type, value, member));
  }
  const custom = subject.CustomAttributes ?? [];
  if (custom.length && rdns.length) {
    throw new PkiEncodeError('Custom attributes cannot be used in combination with standard attributes (AWS ASN1Subject)');
  }
  custom.forEach((attribute, i) => rdns.push(rdn(attribute.ObjectIdentifier, attribute.Value, `CustomAttributes[${i}]`)));
  return sequence(...rdns);
}

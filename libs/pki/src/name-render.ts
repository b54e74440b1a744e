/**
 * Name DER -> text for events, audit fields and logs, in RFC 4514 form (the successor of
 * RFC 2253, and what `openssl -nameopt RFC2253` prints): RDNs in reverse order of encoding
 * ("CN=Example,O=Corp,C=US" for a name encoded C, O, CN), multi-valued RDNs joined with '+',
 * OpenSSL's short names for known types, dotted OIDs otherwise, RFC 4514 §2.4 escaping.
 * Values that are not character strings are rendered as '#' + hex of their DER (RFC 4514 §2.4).
 */
import { children, contents, readOid, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';

export interface NameAttribute {
  oid: string;
  /** Decoded string value, or undefined when the value is not a character string. */
  value: string | undefined;
  /** The value's DER (tag, length and contents). */
  valueDer: Uint8Array;
}

/** Short names as OpenSSL prints them (crypto/objects/objects.txt). */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function decodeString(e: DerElement): string | undefined {
  const c = Buffer.from(contents(e));
  switch (e.tag) {
    case Tag.UTF8_STRING:
      return c.toString('utf8');
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case 0x12: // NumericString
    case 0x1a: // VisibleString
    case 0x14: // TeletexString, read as Latin-1 like most implementations
      return c.toString('latin1');
    case 0x1e: // BMPString: UCS-2 big-endian
      if (c.length % 2) return undefined;
      return Buffer.from(c).swap16().toString('utf16le');
    case 0x1c: {
      // UniversalString: UCS-4 big-endian
      if (c.length % 4) return undefined;
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = c.readUInt32BE(i);
        if (cp > 0x10ffff) return undefined;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return undefined;
  }
}

/** The RDNs of a DER Name, each a list of attributes. Throws PkiParseError when malformed. */
export function readName(der: Uint8Array): NameAttribute[][] {
  const name = readWhole(der, 'Name', Tag.SEQUENCE);
  return children(name, 'Name').map((set) => {
    if (set.tag !== Tag.SET) throw new PkiParseError('wrong structure: RelativeDistinguishedName is not a SET');
    const attributes = children(set, 'RelativeDistinguishedName');
    if (attributes.length === 0) throw new PkiParseError('empty RelativeDistinguishedName');
    return attributes.map((atv) => {
      if (atv.tag !== Tag.SEQUENCE) throw new PkiParseError('wrong structure: AttributeTypeAndValue is not a SEQUENCE');
      const [type, value, ...rest] = children(atv, 'AttributeTypeAndValue');
      if (!type || !value || rest.length) throw new PkiParseError('wrong structure: AttributeTypeAndValue needs 2 fields');
      return { oid: readOid(type, 'attribute type'), value: decodeString(value), valueDer: whole(value) };
    });
  });
}

/** RFC 4514 §2.4 escaping, plus \hh for control characters so logs stay one line. */
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(16).padStart(2, '0');
    else if (',+"\\<>;'.includes(ch)) out += '\\' + ch;
    else if ((ch === ' ' || ch === '#') && i === 0) out += '\\' + ch;
    else if (ch === ' ' && i === value.length - 1) out += '\\ ';
    else out += ch;
  }
  return out;
}

function renderAttribute(a: NameAttribute): string {
  const type = SHORT_NAMES[a.oid] ?? a.oid;
  const value = a.value === undefined ? '#' + Buffer.from(a.valueDer).toString('hex') : escapeValue(a.value);
  return `${type}=${value}`;
}

/** RFC 4514 text of a DER Name, e.g. "CN=Example,O=Corp,C=US". The empty name renders as "". */
export function nameToString(der: Uint8Array): string {
  return readName(der)
    .reverse()
    .map((rdn) => rdn.map(renderAttribute).join('+'))
    .join(',');
}

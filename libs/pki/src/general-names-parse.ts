/**
 * Reads GeneralNames (RFC 5280 §4.2.1.6) from untrusted DER, e.g. a CSR's requested
 * subjectAltName, into a flat, printable form for policy checks and audit fields.
 */
import { children, contents, readOid, readWhole, whole, type DerElement } from './der/der-reader';
import { Tag } from './der/der-writer';
import { PkiParseError } from './errors';
import { formatIpAddress } from './ip-address';
import { nameToString } from './name-render';
import { decodeOidContents } from './der/der-oid';

export type GeneralNameKind =
  | 'otherName'
  | 'rfc822Name'
  | 'dNSName'
  | 'x400Address'
  | 'directoryName'
  | 'ediPartyName'
  | 'uniformResourceIdentifier'
  | 'iPAddress'
  | 'registeredID';

const KINDS: GeneralNameKind[] = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
];

export interface ParsedGeneralName {
  kind: GeneralNameKind;
  /** Text form: the IA5 string, dotted IP, RFC 4514 name, dotted OID, or for otherName "typeId=#hex". */
  value: string;
  /** The GeneralName's DER. */
  der: Uint8Array;
}

function ia5Text(e: DerElement, kind: string): string {
  const c = contents(e);
  for (const byte of c) if (byte > 0x7f) throw new PkiParseError(`${kind} is not an IA5String`);
  return Buffer.from(c).toString('latin1');
}

function readOne(e: DerElement): ParsedGeneralName {
  const number = e.tag & 0x1f;
  if ((e.tag & 0xc0) !== 0x80 || number > 8) throw new PkiParseError('wrong structure: not a GeneralName');
  const kind = KINDS[number];
  const constructed = (e.tag & 0x20) !== 0;
  const mustBeConstructed = number === 0 || number === 3 || number === 4 || number === 5;
  if (constructed !== mustBeConstructed) throw new PkiParseError(`wrong structure: ${kind} has the wrong form`);
  let value: string;
  switch (kind) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      value = ia5Text(e, kind);
      break;
    case 'iPAddress': {
      const c = contents(e);
      if (c.length !== 4 && c.length !== 16) throw new PkiParseError('iPAddress must be 4 or 16 octets');
      value = formatIpAddress(c);
      break;
    }
    case 'registeredID': {
      const dotted = decodeOidContents(contents(e));
      if (!dotted) throw new PkiParseError('malformed registeredID');
      value = dotted;
      break;
    }
    case 'directoryName': {
      const [name, ...rest] = children(e, 'directoryName');
      if (!name || rest.length) throw new PkiParseError('wrong structure: directoryName');
      value = nameToString(whole(name));
      break;
    }
    case 'otherName': {
      const [type, inner, ...rest] = children(e, 'otherName');
      if (!type || !inner || rest.length || inner.tag !== 0xa0) throw new PkiParseError('wrong structure: otherName');
      value = `${readOid(type, 'otherName type-id')}=#${Buffer.from(contents(inner)).toString('hex')}`;
      break;
    }
    default:
      value = '#' + Buffer.from(contents(e)).toString('hex');
  }
  return { kind, value, der: whole(e) };
}

/** GeneralNames DER -> parsed entries. Throws PkiParseError on malformed input. */
export function readGeneralNames(der: Uint8Array): ParsedGeneralName[] {
  const list = readWhole(der, 'GeneralNames', Tag.SEQUENCE);
  const items = children(list, 'GeneralNames');
  if (items.length === 0) throw new PkiParseError('GeneralNames must not be empty');
  return items.map(readOne);
}

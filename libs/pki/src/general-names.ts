/**
 * GeneralName (RFC 5280 §4.2.1.6) for every member of the AWS GeneralName union, DER-encoded.
 * The RFC 5280 module uses IMPLICIT tags, except where the tagged type is a CHOICE (Name,
 * DirectoryString) or ANY, which X.680 §31.2.7 makes EXPLICIT.
 */
import { oid, oidContents } from './der/der-oid';
import { contextConstructed, contextPrimitive, isIa5String, sequence, utf8String } from './der/der-writer';
import { PkiEncodeError } from './errors';
import { parseIpAddress } from './ip-address';
import { encodeName, type ASN1Subject } from './names';

/** AWS OtherName. */
export interface OtherName {
  TypeId: string;
  Value: string;
}

/** AWS EdiPartyName. */
export interface EdiPartyName {
  PartyName: string;
  NameAssigner?: string;
}

/** AWS GeneralName: exactly one member is set. */
export interface GeneralName {
  OtherName?: OtherName;
  Rfc822Name?: string;
  DnsName?: string;
  DirectoryName?: ASN1Subject;
  EdiPartyName?: EdiPartyName;
  UniformResourceIdentifier?: string;
  IpAddress?: string;
  RegisteredId?: string;
}

function ia5(value: string, what: string): Buffer {
  if (!isIa5String(value)) throw new PkiEncodeError(`${what} must be ASCII (IA5String); encode IDNs as A-labels`);
  return Buffer.from(value, 'latin1');
}

/** DER of one GeneralName. */
export function encodeGeneralName(name: GeneralName): Buffer {
  const set = Object.entries(name).filter(([, v]) => v !== undefined);
  if (set.length !== 1) throw new PkiEncodeError(`a GeneralName must have exactly one member, got ${set.length}`);
  if (name.OtherName) {
    // otherName [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT ANY }. AWS passes the
    // value as a string; it is written as a UTF8String (as for a Microsoft UPN, 1.3.6.1.4.1.311.20.2.3).
    return contextConstructed(0, oid(name.OtherName.TypeId), contextConstructed(0, utf8String(name.OtherName.Value)));
  }
  if (name.Rfc822Name !== undefined) return contextPrimitive(1, ia5(name.Rfc822Name, 'Rfc822Name'));
  if (name.DnsName !== undefined) return contextPrimitive(2, ia5(name.DnsName, 'DnsName'));
  if (name.DirectoryName) return contextConstructed(4, encodeName(name.DirectoryName)); // [4] EXPLICIT Name
  if (name.EdiPartyName) {
    // EDIPartyName ::= SEQUENCE { nameAssigner [0] DirectoryString OPTIONAL, partyName [1] DirectoryString }
    const { NameAssigner, PartyName } = name.EdiPartyName;
    const assigner = NameAssigner !== undefined ? [contextConstructed(0, utf8String(NameAssigner))] : [];
    return contextConstructed(5, ...assigner, contextConstructed(1, utf8String(PartyName)));
  }
  if (name.UniformResourceIdentifier !== undefined) {
    return contextPrimitive(6, ia5(name.UniformResourceIdentifier, 'UniformResourceIdentifier'));
  }
  if (name.IpAddress !== undefined) {
    const octets = parseIpAddress(name.IpAddress);
    if (!octets) throw new PkiEncodeError(`IpAddress is not an IPv4 or IPv6 address: ${JSON.stringify(name.IpAddress)}`);
    return contextPrimitive(7, octets);
  }
  if (name.RegisteredId !== undefined) return contextPrimitive(8, oidContents(name.RegisteredId));
  throw new PkiEncodeError('unsupported GeneralName');
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
export function encodeGeneralNames(names: GeneralName[]): Buffer {
  if (names.length === 0) throw new PkiEncodeError('GeneralNames must not be empty (RFC 5280 §4.2.1.6)');
  return sequence(...names.map(encodeGeneralName));
}

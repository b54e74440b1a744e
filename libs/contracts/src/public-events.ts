/**
 * The public event feed (issue #15): what subscribers outside the platform code against, in
 * Amazon EventBridge's envelope. The services' own JetStream events (envelope.ts) stay internal;
 * each service translates the facts it owns into these (its `publicEventsOf`), and its outbox
 * relay publishes them, after the commit that made them true, once per fact.
 *
 * Versioned contracts: every detail-type has a JSON Schema per version in
 * `libs/contracts/events/public/` (the schema files are the contract; these types mirror them).
 * A published version never changes; a breaking change is a new version beside it.
 */
import { createHash } from 'node:crypto';
import { parseCertificateAuthorityArn } from './acm-pca-arns';
import type { EventEnvelope } from './envelope';

/** AWS Private CA's own source: its five detail-types keep AWS's exact shapes. */
export const AWS_ACM_PCA_SOURCE = 'aws.acm-pca';
/** This platform's sources, for what AWS defines no event of. */
export const PKI_ACM_PCA_SOURCE = 'pki.acm-pca';
export const PKI_IOT_SOURCE = 'pki.iot';
export const PKI_DIRECTORY_SOURCE = 'pki.ds';

export type PublicEventSource = typeof AWS_ACM_PCA_SOURCE | typeof PKI_ACM_PCA_SOURCE | typeof PKI_IOT_SOURCE | typeof PKI_DIRECTORY_SOURCE;

/**
 * Every detail-type, with its subject slug (the last token of its NATS subject) and the schema
 * version its events carry today. The first five are AWS's (CloudWatchEvents.md); the rest are
 * the platform's own.
 */
export const PUBLIC_DETAIL_TYPES = {
  'ACM Private CA Creation': { source: AWS_ACM_PCA_SOURCE, slug: 'ca-creation', version: 1 },
  'ACM Private CA Certificate Issuance': { source: AWS_ACM_PCA_SOURCE, slug: 'certificate-issuance', version: 1 },
  'ACM Private CA Certificate Revocation': { source: AWS_ACM_PCA_SOURCE, slug: 'certificate-revocation', version: 1 },
  'ACM Private CA CRL Generation': { source: AWS_ACM_PCA_SOURCE, slug: 'crl-generation', version: 1 },
  'ACM Private CA Audit Report Generation': { source: AWS_ACM_PCA_SOURCE, slug: 'audit-report-generation', version: 1 },
  'Private CA Status Change': { source: PKI_ACM_PCA_SOURCE, slug: 'ca-status-change', version: 1 },
  'IoT Certificate Registered': { source: PKI_IOT_SOURCE, slug: 'iot-certificate-registered', version: 1 },
  'IoT Certificate Status Change': { source: PKI_IOT_SOURCE, slug: 'iot-certificate-status-change', version: 1 },
  'IoT Certificate Transfer': { source: PKI_IOT_SOURCE, slug: 'iot-certificate-transfer', version: 1 },
  'IoT Certificate Deleted': { source: PKI_IOT_SOURCE, slug: 'iot-certificate-deleted', version: 1 },
  'Directory Service Certificate Registered': { source: PKI_DIRECTORY_SOURCE, slug: 'ds-certificate-registered', version: 1 },
  'Directory Service Certificate State Change': { source: PKI_DIRECTORY_SOURCE, slug: 'ds-certificate-state-change', version: 1 },
  'Directory Service Certificate Deregistered': { source: PKI_DIRECTORY_SOURCE, slug: 'ds-certificate-deregistered', version: 1 },
  'Directory Service Client Authentication Change': { source: PKI_DIRECTORY_SOURCE, slug: 'ds-client-authentication-change', version: 1 },
  'Directory Service LDAPS Change': { source: PKI_DIRECTORY_SOURCE, slug: 'ds-ldaps-change', version: 1 },
} as const satisfies Record<string, { source: PublicEventSource; slug: string; version: number }>;

export type PublicDetailType = keyof typeof PUBLIC_DETAIL_TYPES;

/** `detail` of AWS's events: `{"result":"success"}`, or failure with a reason where AWS gives one (CRL generation). */
export interface ResultDetail {
  readonly result: 'success' | 'failure';
  readonly reason?: string;
}

/** `detail` of `Private CA Status Change` v1. */
export interface CaStatusChangeDetail {
  /** AWS `CertificateAuthorityStatus` after the change; null once the CA is permanently deleted. */
  readonly status: 'ACTIVE' | 'DISABLED' | 'DELETED' | 'EXPIRED' | 'PENDING_CERTIFICATE' | 'CREATING' | 'FAILED' | null;
  readonly previousStatus: string | null;
  /** What happened: the CA was disabled, enabled, deleted, restored, expired or permanently deleted. */
  readonly change: 'DISABLED' | 'ENABLED' | 'DELETED' | 'RESTORED' | 'EXPIRED' | 'PERMANENTLY_DELETED';
}

/** `detail` of `IoT Certificate Registered` v1. */
export interface IotCertificateRegisteredDetail {
  readonly certificateId: string;
  /** AWS IoT `CertificateStatus` it was registered with. */
  readonly status: string;
  readonly certificateMode: 'DEFAULT' | 'SNI_ONLY';
  /** The registered CA certificate's id, null without one. */
  readonly caCertificateId: string | null;
  /** The operation that registered it. */
  readonly registeredBy: 'RegisterCertificate' | 'RegisterCertificateWithoutCA' | 'AutoRegistration' | 'CreateCertificateFromCsr' | 'CreateKeysAndCertificate';
}

/** `detail` of `IoT Certificate Status Change` v1. */
export interface IotCertificateStatusChangeDetail {
  readonly certificateId: string;
  readonly previousStatus: string;
  readonly status: string;
  /** `UpdateCertificate` by its owner, or `IssuerRevocation` (its issuing private CA revoked it). */
  readonly cause: 'UpdateCertificate' | 'IssuerRevocation';
}

/** `detail` of `IoT Certificate Transfer` v1. */
export interface IotCertificateTransferDetail {
  readonly certificateId: string;
  readonly change: 'STARTED' | 'ACCEPTED' | 'REJECTED' | 'CANCELLED';
  /** The account the certificate is transferred from, and to (null where the change does not say). */
  readonly fromAccount: string | null;
  readonly toAccount: string | null;
}

/** `detail` of `IoT Certificate Deleted` v1. */
export interface IotCertificateDeletedDetail {
  readonly certificateId: string;
  readonly forceDelete: boolean;
}

/** `detail` of the Directory Service certificate detail-types v1 (AWS `CertificateState` values). */
export interface DirectoryCertificateDetail {
  readonly directoryId: string;
  readonly certificateId: string;
  readonly state: 'Registering' | 'Registered' | 'RegisterFailed' | 'Deregistering' | 'Deregistered';
  /** DescribeCertificate's StateReason, for RegisterFailed; else null. */
  readonly stateReason: string | null;
}

/** `detail` of `Directory Service Client Authentication Change` and `... LDAPS Change` v1. */
export interface DirectorySettingDetail {
  readonly directoryId: string;
  /** AWS `ClientAuthenticationType` (SmartCard, SmartCardOrPassword) or `LDAPSType` (Client). */
  readonly type: string;
  /** AWS `ClientAuthenticationStatus` / `LDAPSStatus` after the change. */
  readonly status: 'Enabled' | 'Disabled';
}

/** The EventBridge envelope, exactly: every member AWS sends, nothing else. */
export interface PublicEvent<TDetail = unknown> {
  readonly version: '0';
  /** Stable per fact: the same fact always carries the same id (subscribers deduplicate on it). */
  readonly id: string;
  readonly 'detail-type': PublicDetailType;
  readonly source: PublicEventSource;
  /** The account that owns the resource (the CA's account). */
  readonly account: string;
  /** When the fact happened, UTC, to the second (`2019-11-04T19:14:56Z`), as EventBridge writes it. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}

/** What a service's translator needs beyond the event itself. */
export interface PublicEventContext {
  /** PKI_REGION: the region of resources whose ARN the event does not carry. */
  readonly region: string;
}

/** Translates one of a service's own stored events into the public events it makes true (usually none or one). */
export type PublicEventTranslator = (event: EventEnvelope, context: PublicEventContext) => PublicEvent[];

/**
 * The id of the public event `detailType` that internal event `eventId` makes true: a name-based
 * UUID (RFC 9562 version 5 layout, SHA-1 of this namespace and the pair), so a republished or
 * replayed fact has the same id and JetStream (Nats-Msg-Id) and subscribers drop the copy.
 */
export function publicEventId(eventId: string, detailType: PublicDetailType): string {
  const hash = createHash('sha1').update(`pki-public-event\u0000${eventId}\u0000${detailType}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** EventBridge's `time`: ISO 8601 UTC to the second. */
export function eventBridgeTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${JSON.stringify(iso)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The public event `detailType` that the internal event `sourceEventId` makes true. */
export function publicEvent<TDetail>(
  sourceEventId: string,
  detailType: PublicDetailType,
  where: { readonly account: string; readonly region: string },
  occurredAt: string,
  resources: readonly string[],
  detail: TDetail,
): PublicEvent<TDetail> {
  return {
    version: '0',
    id: publicEventId(sourceEventId, detailType),
    'detail-type': detailType,
    source: PUBLIC_DETAIL_TYPES[detailType].source,
    account: where.account,
    time: eventBridgeTime(occurredAt),
    region: where.region,
    resources,
    detail,
  };
}

/** A public event about the CA `caArn` (its account and region come from the ARN). */
export function caPublicEvent<TDetail>(
  sourceEventId: string,
  detailType: PublicDetailType,
  caArn: string,
  occurredAt: string,
  resources: readonly string[],
  detail: TDetail,
): PublicEvent<TDetail> {
  const ca = parseCertificateAuthorityArn(caArn);
  if (!ca) throw new Error(`not a CA ARN: ${JSON.stringify(caArn)}`);
  return publicEvent(sourceEventId, detailType, ca, occurredAt, resources, detail);
}

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Subject of a public event: `<prefix>.events.<account>.<source>.<slug>`, e.g.
 * `pki.events.000000000000.aws.acm-pca.certificate-issuance` (a source is two tokens).
 */
export function publicEventSubject(prefix: string, event: Pick<PublicEvent, 'account' | 'source' | 'detail-type'>): string {
  const tokens = [prefix, 'events', event.account, ...event.source.split('.'), PUBLIC_DETAIL_TYPES[event['detail-type']].slug];
  for (const t of tokens) if (!SUBJECT_TOKEN.test(t)) throw new Error(`invalid NATS subject token in a public event subject: ${JSON.stringify(t)}`);
  return tokens.join('.');
}

/** Every public event subject of one account (what that account's subscribers may read). */
export function publicAccountWildcard(prefix: string, account: string): string {
  return `${prefix}.events.${account}.>`;
}

/** The subjects of the public stream: every account's events. */
export function publicEventsWildcard(prefix: string): string {
  return `${prefix}.events.>`;
}

/** Default name of the public stream, e.g. `PKI_PUBLIC_EVENTS` (PKI_PUBLIC_EVENTS_STREAM overrides it). */
export function defaultPublicStreamName(prefix: string): string {
  return `${prefix}_public_events`.toUpperCase().replace(/-/g, '_');
}

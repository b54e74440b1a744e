/**
 * Input shapes and HTTP bindings of the AWS IoT certificate operations the gateway serves
 * (restJson1). Where the values come from:
 * - Routes, member names and which member is bound to the path (`@httpLabel`), the query string
 *   (`@httpQuery`, with its wire name: `ascendingOrder` travels as `isAscendingOrder`) or the
 *   body: the pinned SDK, `@aws-sdk/client-iot` 3.1169.0 (dist-cjs operation and request schemas).
 * - Constraint traits: the AWS IoT API Reference pages (API_ListCertificatesByCA: caCertificateId
 *   "Fixed length of 64, Pattern: (0x)?[a-fA-F0-9]+", marker "Maximum length of 1024, Pattern:
 *   [A-Za-z0-9+/]+={0,2}", pageSize "Minimum value of 1. Maximum value of 250"; API_RegisterCertificate
 *   certificatePem "Minimum length of 1. Maximum length of 65536"; API_TransferCertificate
 *   targetAwsAccount "Fixed length of 12, Pattern: [0-9]+", transferMessage "Maximum length of 128";
 *   API_ListCACertificates templateName "1..36, ^[0-9A-Za-z_-]+$"; API_RegistrationConfig roleArn "20..2048").
 * - Things and policies: API_CreateThing / API_ThingAttribute (thingName and thingTypeName "1..128,
 *   [a-zA-Z0-9:_-]+", attribute keys "max 128, [a-zA-Z0-9_.,@/:#-]+", values "max 800,
 *   [a-zA-Z0-9_.,@/:#=\[\]-]*"), API_ListThings (maxResults "1..250"), API_CreatePolicy (policyName
 *   "1..128, [\w+=,.@-]+", policyDocument "0..404600"), API_ListAttachedPolicies / API_ListTargetsForPolicy
 *   (pageSize "1..250", marker as above). The principal of AttachThingPrincipal, DetachThingPrincipal and
 *   ListPrincipalThings travels in the `x-amzn-principal` header (`@httpHeader`).
 * IoT models no ValidationException: constraint violations are InvalidRequestException, worded as
 * AWS's validator words them.
 */
import {
  IOT_AUTO_REGISTRATION_STATUSES,
  IOT_CA_CERTIFICATE_STATUSES,
  IOT_CERTIFICATE_MODES,
  IOT_CERTIFICATE_STATUSES,
  IOT_THING_PRINCIPAL_TYPES,
  type IOT_OPERATIONS,
  type IOT_THING_AND_POLICY_OPERATIONS,
} from '@pki/contracts';
import { S, type StructureShape } from '@pki/aws-protocol';

export type IotOperation = (typeof IOT_OPERATIONS)[number] | (typeof IOT_THING_AND_POLICY_OPERATIONS)[number];

const CertificateId = S.string({ required: true, min: 64, max: 64, pattern: '(0x)?[a-fA-F0-9]+' });
const CertificatePem = (required: boolean) => S.string({ required, min: 1, max: 65536 });
const PageSize = S.integer({ min: 1, max: 250 });
const Marker = S.string({ max: 1024, pattern: '[A-Za-z0-9+/]+={0,2}' });
const AscendingOrder = S.boolean();
const SetAsActive = S.boolean();
const CertificateStatus = (required: boolean) => S.string({ required, enum: IOT_CERTIFICATE_STATUSES });
const TemplateName = S.string({ min: 1, max: 36, pattern: '^[0-9A-Za-z_-]+$' });
const RegistrationConfig = S.structure({
  // API_RegistrationConfig templateBody: "Length Constraints: Minimum length of 0. Maximum length of 10240."
  templateBody: S.string({ min: 0, max: 10240 }),
  roleArn: S.string({ min: 20, max: 2048 }),
  templateName: TemplateName,
});
// API_Tag Key: "1..128, Pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$" (botocore iot 2015-05-28 TagKey).
const Tag = S.structure({ Key: S.string({ required: true, min: 1, max: 128, pattern: String.raw`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` }), Value: S.string({ min: 0, max: 256 }) });
const ThingName = S.string({ required: true, min: 1, max: 128, pattern: '[a-zA-Z0-9:_-]+' });
const ThingTypeName = S.string({ min: 1, max: 128, pattern: '[a-zA-Z0-9:_-]+' });
const AttributeName = S.string({ max: 128, pattern: '[a-zA-Z0-9_.,@/:#-]+' });
const AttributeValue = S.string({ max: 800, pattern: '[a-zA-Z0-9_.,@/:#=\\[\\]-]*' });
const AttributePayload = S.structure({ attributes: S.map(AttributeName, AttributeValue), merge: S.boolean() });
const Principal = S.string({ required: true });
const MaxResults = S.integer({ min: 1, max: 250 });
const PolicyName = S.string({ required: true, min: 1, max: 128, pattern: '[\\w+=,.@-]+' });
const PolicyTarget = S.string({ required: true });

/** Where one member travels on the wire. */
export type MemberBinding =
  | { readonly in: 'label' }
  | { readonly in: 'query'; readonly name: string; readonly type: 'string' | 'integer' | 'boolean' }
  | { readonly in: 'header'; readonly name: string }
  | { readonly in: 'body' };

export interface IotOperationSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly pattern: string;
  readonly shape: StructureShape;
  /** Members not listed here travel in the JSON body. */
  readonly bindings: Readonly<Record<string, MemberBinding>>;
}

const label = { in: 'label' } as const;
const query = (name: string, type: 'string' | 'integer' | 'boolean' = 'string') => ({ in: 'query', name, type }) as const;
const header = (name: string) => ({ in: 'header', name }) as const;
const tokenQuery = { nextToken: query('nextToken'), maxResults: query('maxResults', 'integer') };
const markerQuery = { marker: query('marker'), pageSize: query('pageSize', 'integer') };
const listQuery = { pageSize: query('pageSize', 'integer'), marker: query('marker'), ascendingOrder: query('isAscendingOrder', 'boolean') };

export const IOT_OPERATION_SPECS: Readonly<Record<IotOperation, IotOperationSpec>> = {
  GetRegistrationCode: { method: 'GET', pattern: '/registrationcode', shape: S.structure({}), bindings: {} },
  RegisterCACertificate: {
    method: 'POST',
    pattern: '/cacertificate',
    shape: S.structure({
      caCertificate: S.string({ required: true, min: 1, max: 65536 }),
      verificationCertificate: S.string({ min: 1, max: 65536 }),
      setAsActive: SetAsActive,
      allowAutoRegistration: S.boolean(),
      registrationConfig: RegistrationConfig,
      tags: S.list(Tag),
      certificateMode: S.string({ enum: IOT_CERTIFICATE_MODES }),
    }),
    bindings: { setAsActive: query('setAsActive', 'boolean'), allowAutoRegistration: query('allowAutoRegistration', 'boolean') },
  },
  DescribeCACertificate: { method: 'GET', pattern: '/cacertificate/{certificateId}', shape: S.structure({ certificateId: CertificateId }), bindings: { certificateId: label } },
  ListCACertificates: {
    method: 'GET',
    pattern: '/cacertificates',
    shape: S.structure({ pageSize: PageSize, marker: Marker, ascendingOrder: AscendingOrder, templateName: TemplateName }),
    bindings: { ...listQuery, templateName: query('templateName') },
  },
  UpdateCACertificate: {
    method: 'PUT',
    pattern: '/cacertificate/{certificateId}',
    shape: S.structure({
      certificateId: CertificateId,
      newStatus: S.string({ enum: IOT_CA_CERTIFICATE_STATUSES }),
      newAutoRegistrationStatus: S.string({ enum: IOT_AUTO_REGISTRATION_STATUSES }),
      registrationConfig: RegistrationConfig,
      removeAutoRegistration: S.boolean(),
    }),
    bindings: { certificateId: label, newStatus: query('newStatus'), newAutoRegistrationStatus: query('newAutoRegistrationStatus') },
  },
  DeleteCACertificate: { method: 'DELETE', pattern: '/cacertificate/{certificateId}', shape: S.structure({ certificateId: CertificateId }), bindings: { certificateId: label } },
  RegisterCertificate: {
    method: 'POST',
    pattern: '/certificate/register',
    shape: S.structure({ certificatePem: CertificatePem(true), caCertificatePem: CertificatePem(false), setAsActive: SetAsActive, status: CertificateStatus(false) }),
    bindings: { setAsActive: query('setAsActive', 'boolean') },
  },
  RegisterCertificateWithoutCA: {
    method: 'POST',
    pattern: '/certificate/register-no-ca',
    shape: S.structure({ certificatePem: CertificatePem(true), status: CertificateStatus(false) }),
    bindings: {},
  },
  CreateCertificateFromCsr: {
    method: 'POST',
    pattern: '/certificates',
    shape: S.structure({ certificateSigningRequest: S.string({ required: true, min: 1, max: 4096 }), setAsActive: SetAsActive }),
    bindings: { setAsActive: query('setAsActive', 'boolean') },
  },
  CreateKeysAndCertificate: { method: 'POST', pattern: '/keys-and-certificate', shape: S.structure({ setAsActive: SetAsActive }), bindings: { setAsActive: query('setAsActive', 'boolean') } },
  DescribeCertificate: { method: 'GET', pattern: '/certificates/{certificateId}', shape: S.structure({ certificateId: CertificateId }), bindings: { certificateId: label } },
  ListCertificates: { method: 'GET', pattern: '/certificates', shape: S.structure({ pageSize: PageSize, marker: Marker, ascendingOrder: AscendingOrder }), bindings: listQuery },
  ListCertificatesByCA: {
    method: 'GET',
    pattern: '/certificates-by-ca/{caCertificateId}',
    shape: S.structure({ caCertificateId: CertificateId, pageSize: PageSize, marker: Marker, ascendingOrder: AscendingOrder }),
    bindings: { caCertificateId: label, ...listQuery },
  },
  UpdateCertificate: {
    method: 'PUT',
    pattern: '/certificates/{certificateId}',
    shape: S.structure({ certificateId: CertificateId, newStatus: CertificateStatus(true) }),
    bindings: { certificateId: label, newStatus: query('newStatus') },
  },
  DeleteCertificate: {
    method: 'DELETE',
    pattern: '/certificates/{certificateId}',
    shape: S.structure({ certificateId: CertificateId, forceDelete: S.boolean() }),
    bindings: { certificateId: label, forceDelete: query('forceDelete', 'boolean') },
  },
  TransferCertificate: {
    method: 'PATCH',
    pattern: '/transfer-certificate/{certificateId}',
    shape: S.structure({ certificateId: CertificateId, targetAwsAccount: S.string({ required: true, min: 12, max: 12, pattern: '[0-9]+' }), transferMessage: S.string({ max: 128 }) }),
    bindings: { certificateId: label, targetAwsAccount: query('targetAwsAccount') },
  },
  AcceptCertificateTransfer: {
    method: 'PATCH',
    pattern: '/accept-certificate-transfer/{certificateId}',
    shape: S.structure({ certificateId: CertificateId, setAsActive: SetAsActive }),
    bindings: { certificateId: label, setAsActive: query('setAsActive', 'boolean') },
  },
  RejectCertificateTransfer: {
    method: 'PATCH',
    pattern: '/reject-certificate-transfer/{certificateId}',
    shape: S.structure({ certificateId: CertificateId, rejectReason: S.string({ max: 128 }) }),
    bindings: { certificateId: label },
  },
  CancelCertificateTransfer: {
    method: 'PATCH',
    pattern: '/cancel-certificate-transfer/{certificateId}',
    shape: S.structure({ certificateId: CertificateId }),
    bindings: { certificateId: label },
  },
  CreateThing: {
    method: 'POST',
    pattern: '/things/{thingName}',
    shape: S.structure({ thingName: ThingName, thingTypeName: ThingTypeName, attributePayload: AttributePayload, billingGroupName: S.string({ min: 1, max: 128, pattern: '[a-zA-Z0-9:_-]+' }) }),
    bindings: { thingName: label },
  },
  DescribeThing: { method: 'GET', pattern: '/things/{thingName}', shape: S.structure({ thingName: ThingName }), bindings: { thingName: label } },
  UpdateThing: {
    method: 'PATCH',
    pattern: '/things/{thingName}',
    shape: S.structure({ thingName: ThingName, thingTypeName: ThingTypeName, attributePayload: AttributePayload, expectedVersion: S.long(), removeThingType: S.boolean() }),
    bindings: { thingName: label },
  },
  DeleteThing: {
    method: 'DELETE',
    pattern: '/things/{thingName}',
    shape: S.structure({ thingName: ThingName, expectedVersion: S.long() }),
    bindings: { thingName: label, expectedVersion: query('expectedVersion', 'integer') },
  },
  ListThings: {
    method: 'GET',
    pattern: '/things',
    shape: S.structure({
      nextToken: S.string(),
      maxResults: MaxResults,
      attributeName: AttributeName,
      attributeValue: AttributeValue,
      thingTypeName: ThingTypeName,
      usePrefixAttributeValue: S.boolean(),
    }),
    bindings: {
      ...tokenQuery,
      attributeName: query('attributeName'),
      attributeValue: query('attributeValue'),
      thingTypeName: query('thingTypeName'),
      usePrefixAttributeValue: query('usePrefixAttributeValue', 'boolean'),
    },
  },
  AttachThingPrincipal: {
    method: 'PUT',
    pattern: '/things/{thingName}/principals',
    shape: S.structure({ thingName: ThingName, principal: Principal, thingPrincipalType: S.string({ enum: IOT_THING_PRINCIPAL_TYPES }) }),
    bindings: { thingName: label, principal: header('x-amzn-principal'), thingPrincipalType: query('thingPrincipalType') },
  },
  DetachThingPrincipal: {
    method: 'DELETE',
    pattern: '/things/{thingName}/principals',
    shape: S.structure({ thingName: ThingName, principal: Principal }),
    bindings: { thingName: label, principal: header('x-amzn-principal') },
  },
  ListThingPrincipals: {
    method: 'GET',
    pattern: '/things/{thingName}/principals',
    shape: S.structure({ thingName: ThingName, nextToken: S.string(), maxResults: MaxResults }),
    bindings: { thingName: label, ...tokenQuery },
  },
  ListPrincipalThings: {
    method: 'GET',
    pattern: '/principals/things',
    shape: S.structure({ principal: Principal, nextToken: S.string(), maxResults: MaxResults }),
    bindings: { principal: header('x-amzn-principal'), ...tokenQuery },
  },
  CreatePolicy: {
    method: 'POST',
    pattern: '/policies/{policyName}',
    shape: S.structure({ policyName: PolicyName, policyDocument: S.string({ required: true, min: 0, max: 404600 }), tags: S.list(Tag) }),
    bindings: { policyName: label },
  },
  GetPolicy: { method: 'GET', pattern: '/policies/{policyName}', shape: S.structure({ policyName: PolicyName }), bindings: { policyName: label } },
  DeletePolicy: { method: 'DELETE', pattern: '/policies/{policyName}', shape: S.structure({ policyName: PolicyName }), bindings: { policyName: label } },
  AttachPolicy: {
    method: 'PUT',
    pattern: '/target-policies/{policyName}',
    shape: S.structure({ policyName: PolicyName, target: PolicyTarget }),
    bindings: { policyName: label },
  },
  DetachPolicy: {
    method: 'POST',
    pattern: '/target-policies/{policyName}',
    shape: S.structure({ policyName: PolicyName, target: PolicyTarget }),
    bindings: { policyName: label },
  },
  ListAttachedPolicies: {
    method: 'POST',
    pattern: '/attached-policies/{target}',
    shape: S.structure({ target: PolicyTarget, recursive: S.boolean(), marker: Marker, pageSize: PageSize }),
    bindings: { target: label, recursive: query('recursive', 'boolean'), ...markerQuery },
  },
  ListTargetsForPolicy: {
    method: 'POST',
    pattern: '/policy-targets/{policyName}',
    shape: S.structure({ policyName: PolicyName, marker: Marker, pageSize: PageSize }),
    bindings: { policyName: label, ...markerQuery },
  },
};

import { IOT_INTERNAL_OPERATIONS, IOT_OPERATIONS, IOT_THING_AND_POLICY_OPERATIONS } from '@pki/contracts';
import { notImplementedHandlers, type CommandHandlers } from '@pki/service-kit';
import {
  deleteCaCertificateHandler,
  describeCaCertificateHandler,
  listCaCertificatesHandler,
  registerCaCertificateHandler,
  updateCaCertificateHandler,
} from './ca-certificate.handlers';
import {
  acceptCertificateTransferHandler,
  cancelCertificateTransferHandler,
  deleteCertificateHandler,
  describeCertificateHandler,
  listCertificatesByCaHandler,
  listCertificatesHandler,
  rejectCertificateTransferHandler,
  transferCertificateHandler,
  updateCertificateHandler,
} from './certificate.handlers';
import { createCertificateFromCsrHandler, createKeysAndCertificateHandler } from './create-certificate.handlers';
import { describeEndpointHandler, getPlatformRootCaHandler } from './endpoint.handlers';
import { DEFAULT_ENDPOINT_DOMAIN } from '../domain/endpoint';
import type { IotContext } from './iot-context';
import type { PlatformIssuer } from './platform-issuer';
import {
  attachPolicyHandler,
  createPolicyHandler,
  deletePolicyHandler,
  detachPolicyHandler,
  getPolicyHandler,
  listAttachedPoliciesHandler,
  listTargetsForPolicyHandler,
} from './policy.handlers';
import {
  createPolicyVersionHandler,
  deletePolicyVersionHandler,
  getPolicyVersionHandler,
  listPoliciesHandler,
  listPolicyVersionsHandler,
  setDefaultPolicyVersionHandler,
} from './policy-version.handlers';
import {
  attachPrincipalPolicyHandler,
  detachPrincipalPolicyHandler,
  listPolicyPrincipalsHandler,
  listPrincipalPoliciesHandler,
  listPrincipalThingsV2Handler,
  listThingPrincipalsV2Handler,
} from './principal.handlers';
import { createThingTypeHandler, deleteThingTypeHandler, deprecateThingTypeHandler, describeThingTypeHandler, listThingTypesHandler } from './thing-type.handlers';
import { registerCertificateHandler, registerCertificateWithoutCaHandler } from './register-certificate.handlers';
import { getRegistrationCodeHandler } from './registration-code.handler';
import {
  attachThingPrincipalHandler,
  createThingHandler,
  deleteThingHandler,
  describeThingHandler,
  detachThingPrincipalHandler,
  listPrincipalThingsHandler,
  listThingPrincipalsHandler,
  listThingsHandler,
  updateThingHandler,
} from './thing.handlers';

/**
 * Every IoT operation this service owns. CreateCertificateFromCsr and CreateKeysAndCertificate
 * issue with the platform's default IoT issuing CA (`issuer`). Things and policies exist so that
 * certificates can be attached to them (the causes of DeleteConflictException and
 * TransferConflictException). DescribeEndpoint forms host names under `endpointDomain`
 * (PKI_IOT_ENDPOINT_DOMAIN).
 */
export function iotHandlers(context: IotContext, issuer: PlatformIssuer, endpointDomain = DEFAULT_ENDPOINT_DOMAIN): CommandHandlers {
  return {
    ...notImplementedHandlers([...IOT_OPERATIONS, ...IOT_THING_AND_POLICY_OPERATIONS]),
    GetRegistrationCode: getRegistrationCodeHandler(context),
    RegisterCACertificate: registerCaCertificateHandler(context),
    DescribeCACertificate: describeCaCertificateHandler(context),
    ListCACertificates: listCaCertificatesHandler(context),
    UpdateCACertificate: updateCaCertificateHandler(context),
    DeleteCACertificate: deleteCaCertificateHandler(context),
    RegisterCertificate: registerCertificateHandler(context),
    RegisterCertificateWithoutCA: registerCertificateWithoutCaHandler(context),
    CreateCertificateFromCsr: createCertificateFromCsrHandler(context, issuer),
    CreateKeysAndCertificate: createKeysAndCertificateHandler(context, issuer),
    DescribeCertificate: describeCertificateHandler(context),
    ListCertificates: listCertificatesHandler(context),
    ListCertificatesByCA: listCertificatesByCaHandler(context),
    UpdateCertificate: updateCertificateHandler(context),
    DeleteCertificate: deleteCertificateHandler(context),
    TransferCertificate: transferCertificateHandler(context),
    AcceptCertificateTransfer: acceptCertificateTransferHandler(context),
    RejectCertificateTransfer: rejectCertificateTransferHandler(context),
    CancelCertificateTransfer: cancelCertificateTransferHandler(context),
    CreateThing: createThingHandler(context),
    DescribeThing: describeThingHandler(context),
    UpdateThing: updateThingHandler(context),
    DeleteThing: deleteThingHandler(context),
    ListThings: listThingsHandler(context),
    AttachThingPrincipal: attachThingPrincipalHandler(context),
    DetachThingPrincipal: detachThingPrincipalHandler(context),
    ListThingPrincipals: listThingPrincipalsHandler(context),
    ListPrincipalThings: listPrincipalThingsHandler(context),
    CreatePolicy: createPolicyHandler(context),
    GetPolicy: getPolicyHandler(context),
    DeletePolicy: deletePolicyHandler(context),
    AttachPolicy: attachPolicyHandler(context),
    DetachPolicy: detachPolicyHandler(context),
    ListAttachedPolicies: listAttachedPoliciesHandler(context),
    ListTargetsForPolicy: listTargetsForPolicyHandler(context),
    CreatePolicyVersion: createPolicyVersionHandler(context),
    GetPolicyVersion: getPolicyVersionHandler(context),
    ListPolicyVersions: listPolicyVersionsHandler(context),
    DeletePolicyVersion: deletePolicyVersionHandler(context),
    SetDefaultPolicyVersion: setDefaultPolicyVersionHandler(context),
    ListPolicies: listPoliciesHandler(context),
    AttachPrincipalPolicy: attachPrincipalPolicyHandler(context),
    DetachPrincipalPolicy: detachPrincipalPolicyHandler(context),
    ListPrincipalPolicies: listPrincipalPoliciesHandler(context),
    ListPolicyPrincipals: listPolicyPrincipalsHandler(context),
    ListThingPrincipalsV2: listThingPrincipalsV2Handler(context),
    ListPrincipalThingsV2: listPrincipalThingsV2Handler(context),
    CreateThingType: createThingTypeHandler(context),
    DescribeThingType: describeThingTypeHandler(context),
    ListThingTypes: listThingTypesHandler(context),
    DeprecateThingType: deprecateThingTypeHandler(context),
    DeleteThingType: deleteThingTypeHandler(context),
    DescribeEndpoint: describeEndpointHandler(context, endpointDomain),
    [IOT_INTERNAL_OPERATIONS.GetPlatformRootCa]: getPlatformRootCaHandler(issuer),
  };
}

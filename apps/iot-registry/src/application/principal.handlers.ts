/**
 * The principal-centred forms of the registry operations: AttachPrincipalPolicy,
 * DetachPrincipalPolicy, ListPrincipalPolicies and ListPolicyPrincipals (deprecated by AWS in
 * favour of AttachPolicy, DetachPolicy, ListAttachedPolicies and ListTargetsForPolicy, and still
 * called by older SDK code), and ListThingPrincipalsV2 / ListPrincipalThingsV2 (with each
 * attachment's thingPrincipalType). The writes are the current operations' handlers with the
 * principal as the target: one decision, one set of events, whichever form is called.
 */
import { IOT_THING_PRINCIPAL_TYPES, type CommandMessage, type IotThingPrincipalType } from '@pki/contracts';
import { resolveCertificatePrincipal } from '../domain/attachments';
import { iotErrors } from '../domain/iot-errors';
import { certificateIsOwnedBy } from '../infrastructure/certificate.queries';
import { iotDb } from '../infrastructure/database';
import { findPolicy } from '../infrastructure/policy.queries';
import { listPolicyPrincipals, listPrincipalPolicies, listPrincipalThingsOfType, listThingPrincipalsOfType } from '../infrastructure/principal-list.queries';
import { findThing } from '../infrastructure/thing.queries';
import { DEFAULT_PAGE_SIZE } from './ca-certificate.handlers';
import { regionOf, type IotContext } from './iot-context';
import { attachPolicyHandler, detachPolicyHandler } from './policy.handlers';

type Handler = (message: CommandMessage) => Promise<Record<string, unknown>>;

/** The same command with the principal as the `target` of the current operation. */
const asTarget =
  (handler: Handler): Handler =>
  (message) => {
    const input = message.input as { policyName: string; principal: string };
    return handler({ ...message, input: { policyName: input.policyName, target: input.principal } });
  };

export const attachPrincipalPolicyHandler = (context: IotContext): Handler => asTarget(attachPolicyHandler(context));
/**
 * DetachPrincipalPolicy models ResourceNotFoundException (DetachPolicy does not, and answers
 * InvalidRequestException): an unknown policy or certificate is not found here.
 */
export function detachPrincipalPolicyHandler(context: IotContext): Handler {
  const detach = asTarget(detachPolicyHandler(context));
  return async (message) => {
    const input = message.input as { policyName: string; principal: string };
    const caller = message.caller.accountId;
    const principal = resolveCertificatePrincipal(input.principal, 'principal', { region: regionOf(context, message), caller });
    const db = iotDb(context.db);
    if (!(await findPolicy(db, caller, regionOf(context, message), input.policyName))) throw iotErrors.notFound('policy', input.policyName);
    if (!(await certificateIsOwnedBy(db, principal.certificateId, caller, regionOf(context, message)))) throw iotErrors.notFound('certificate', principal.arn);
    return detach(message);
  };
}

/** The model's PageSize: 1 to 250. */
function pageSize(value: number | undefined): number {
  if (value !== undefined && (value < 1 || value > 250)) throw iotErrors.invalidRequest('The pageSize must be between 1 and 250.');
  return value ?? DEFAULT_PAGE_SIZE;
}

function principalType(value: string | undefined): IotThingPrincipalType | undefined {
  if (value === undefined) return undefined;
  if (!(IOT_THING_PRINCIPAL_TYPES as readonly string[]).includes(value)) throw iotErrors.invalidRequest(`The thingPrincipalType must be one of ${IOT_THING_PRINCIPAL_TYPES.join(', ')}.`);
  return value as IotThingPrincipalType;
}

export function listPrincipalPoliciesHandler(context: IotContext): Handler {
  return async (message) => {
    const input = message.input as { principal: string; marker?: string; pageSize?: number; ascendingOrder?: boolean };
    const caller = message.caller.accountId;
    const principal = resolveCertificatePrincipal(input.principal, 'principal', { region: regionOf(context, message), caller });
    const db = iotDb(context.db);
    if (!(await certificateIsOwnedBy(db, principal.certificateId, caller, regionOf(context, message)))) throw iotErrors.notFound('certificate', principal.arn);
    const page = await listPrincipalPolicies(db, caller, regionOf(context, message), principal.certificateId, { size: pageSize(input.pageSize), marker: input.marker, ascending: input.ascendingOrder !== false });
    const policies = page.rows.map((r) => ({ policyName: r.policy_name, policyArn: r.policy_arn }));
    return page.next ? { policies, nextMarker: page.next } : { policies };
  };
}

export function listPolicyPrincipalsHandler(context: IotContext): Handler {
  return async (message) => {
    const input = message.input as { policyName: string; marker?: string; pageSize?: number; ascendingOrder?: boolean };
    const accountId = message.caller.accountId;
    const db = iotDb(context.db);
    if (!(await findPolicy(db, accountId, regionOf(context, message), input.policyName))) throw iotErrors.notFound('policy', input.policyName);
    const page = await listPolicyPrincipals(db, accountId, regionOf(context, message), input.policyName, { size: pageSize(input.pageSize), marker: input.marker, ascending: input.ascendingOrder !== false });
    const principals = page.rows.map((r) => r.target);
    return page.next ? { principals, nextMarker: page.next } : { principals };
  };
}

export function listThingPrincipalsV2Handler(context: IotContext): Handler {
  return async (message) => {
    const input = message.input as { thingName: string; thingPrincipalType?: string; nextToken?: string; maxResults?: number };
    const type = principalType(input.thingPrincipalType);
    const accountId = message.caller.accountId;
    const db = iotDb(context.db);
    if (!(await findThing(db, accountId, regionOf(context, message), input.thingName))) throw iotErrors.notFound('thing', input.thingName);
    const page = await listThingPrincipalsOfType(db, accountId, regionOf(context, message), input.thingName, type, input.maxResults ?? DEFAULT_PAGE_SIZE, input.nextToken);
    const thingPrincipalObjects = page.rows.map((r) => ({ principal: r.principal, thingPrincipalType: r.thing_principal_type }));
    return page.next ? { thingPrincipalObjects, nextToken: page.next } : { thingPrincipalObjects };
  };
}

export function listPrincipalThingsV2Handler(context: IotContext): Handler {
  return async (message) => {
    const input = message.input as { principal: string; thingPrincipalType?: string; nextToken?: string; maxResults?: number };
    const type = principalType(input.thingPrincipalType);
    const caller = message.caller.accountId;
    const principal = resolveCertificatePrincipal(input.principal, 'principal', { region: regionOf(context, message), caller });
    const db = iotDb(context.db);
    if (!(await certificateIsOwnedBy(db, principal.certificateId, caller, regionOf(context, message)))) throw iotErrors.notFound('certificate', principal.arn);
    const page = await listPrincipalThingsOfType(db, caller, regionOf(context, message), principal.certificateId, type, input.maxResults ?? DEFAULT_PAGE_SIZE, input.nextToken);
    const principalThingObjects = page.rows.map((r) => ({ thingName: r.thing_name, thingPrincipalType: r.thing_principal_type }));
    return page.next ? { principalThingObjects, nextToken: page.next } : { principalThingObjects };
  };
}

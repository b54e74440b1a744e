import { DomainError } from '@pki/contracts';
import { assertCaAcceptsSharing } from './policy-ca-state';
import { PERMISSION_EVENT_TYPES, type PermissionEvent } from './permission.events';

/** CreatePermission `Actions` (AWS ActionType). */
export const PERMISSION_ACTIONS = ['IssueCertificate', 'GetCertificate', 'ListPermissions'] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

/** "At this time, the only valid principal is acm.amazonaws.com." (CreatePermission `Principal`) */
export const ACM_SERVICE_PRINCIPAL = 'acm.amazonaws.com';

/**
 * Permissions one CA may hold. AWS documents LimitExceededException for CreatePermission but
 * publishes no number for it; a permission is one (principal, SourceAccount) pair, so this
 * bounds the per-CA stream and read model. Raise it here if operators need more.
 */
export const MAX_PERMISSIONS_PER_CA = 100;

export interface Permission {
  readonly principal: string;
  readonly sourceAccount: string;
  readonly actions: readonly PermissionAction[];
  readonly createdAt: string;
}

/** A CA's permissions keyed by `principal|sourceAccount`, folded from its permission stream. */
export interface PermissionState {
  readonly permissions: ReadonlyMap<string, Permission>;
}

export const initialPermissionState: PermissionState = { permissions: new Map() };

const keyOf = (principal: string, sourceAccount: string): string => `${principal}|${sourceAccount}`;

interface CaView {
  readonly certificateAuthorityId: string;
  readonly caArn: string;
  readonly caStatus: string;
  readonly now: Date;
}

export type PermissionCommand =
  | (CaView & {
      readonly type: 'CreatePermission';
      readonly principal: string;
      /** The request's SourceAccount, or the calling account when it was omitted. */
      readonly sourceAccount: string;
      readonly actions: readonly string[];
    })
  | (CaView & { readonly type: 'DeletePermission'; readonly principal: string; readonly sourceAccount: string });

function checkPrincipal(principal: string): void {
  if (principal !== ACM_SERVICE_PRINCIPAL) {
    // The operations model no specific exception for this: AWS's generic ValidationException.
    throw new DomainError('Malformed', `Principal "${principal}" is not supported; the only valid principal is ${ACM_SERVICE_PRINCIPAL}.`, 'ValidationException');
  }
}

/** The resource policy a permission amounts to, shown as ListPermissions `Policy`. */
export function permissionPolicy(caArn: string, principal: string, sourceAccount: string, actions: readonly PermissionAction[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `${principal}-${sourceAccount}`,
        Effect: 'Allow',
        Principal: { Service: principal },
        Action: actions.map((action) => `acm-pca:${action}`),
        Resource: caArn,
        Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } },
      },
    ],
  });
}

function create(command: Extract<PermissionCommand, { type: 'CreatePermission' }>, state: PermissionState): PermissionEvent[] {
  checkPrincipal(command.principal);
  const unknown = command.actions.filter((action) => !PERMISSION_ACTIONS.includes(action as PermissionAction));
  if (unknown.length > 0) throw new DomainError('Malformed', `Actions ${unknown.join(', ')} are not valid; use ${PERMISSION_ACTIONS.join(', ')}.`, 'ValidationException');
  if (command.actions.length === 0) throw new DomainError('Malformed', `Actions must name at least one of ${PERMISSION_ACTIONS.join(', ')}.`, 'ValidationException');
  assertCaAcceptsSharing(command.caStatus, command.caArn, 'CreatePermission');
  if (state.permissions.has(keyOf(command.principal, command.sourceAccount))) {
    throw new DomainError(
      'Conflict',
      `Certificate authority ${command.caArn} already grants ${command.principal} permissions for source account ${command.sourceAccount}; delete that permission first to change its actions.`,
      'PermissionAlreadyExistsException',
    );
  }
  if (state.permissions.size >= MAX_PERMISSIONS_PER_CA) {
    throw new DomainError('LimitExceeded', `Certificate authority ${command.caArn} already has ${state.permissions.size} permissions, the maximum of ${MAX_PERMISSIONS_PER_CA}; delete one first.`, 'LimitExceededException');
  }
  // Keep AWS's ActionType order, without duplicates.
  const actions = PERMISSION_ACTIONS.filter((action) => command.actions.includes(action));
  return [
    {
      type: PERMISSION_EVENT_TYPES.PermissionCreated,
      schemaVersion: 1,
      data: {
        certificateAuthorityId: command.certificateAuthorityId,
        certificateAuthorityArn: command.caArn,
        principal: command.principal,
        sourceAccount: command.sourceAccount,
        actions,
        policy: permissionPolicy(command.caArn, command.principal, command.sourceAccount, actions),
        createdAt: command.now.toISOString(),
      },
    },
  ];
}

function remove(command: Extract<PermissionCommand, { type: 'DeletePermission' }>, state: PermissionState): PermissionEvent[] {
  checkPrincipal(command.principal);
  assertCaAcceptsSharing(command.caStatus, command.caArn, 'DeletePermission');
  if (!state.permissions.has(keyOf(command.principal, command.sourceAccount))) {
    throw new DomainError(
      'NotFound',
      `Certificate authority ${command.caArn} grants no permission to ${command.principal} for source account ${command.sourceAccount}.`,
      'ResourceNotFoundException',
    );
  }
  return [
    {
      type: PERMISSION_EVENT_TYPES.PermissionDeleted,
      schemaVersion: 1,
      data: {
        certificateAuthorityId: command.certificateAuthorityId,
        certificateAuthorityArn: command.caArn,
        principal: command.principal,
        sourceAccount: command.sourceAccount,
        deletedAt: command.now.toISOString(),
      },
    },
  ];
}

export function decidePermission(command: PermissionCommand, state: PermissionState): PermissionEvent[] {
  switch (command.type) {
    case 'CreatePermission':
      return create(command, state);
    case 'DeletePermission':
      return remove(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(exhaustive)}`);
    }
  }
}

export function evolvePermission(state: PermissionState, event: PermissionEvent): PermissionState {
  const permissions = new Map(state.permissions);
  switch (event.type) {
    case 'PermissionCreated': {
      const { principal, sourceAccount, actions, createdAt } = event.data;
      permissions.set(keyOf(principal, sourceAccount), { principal, sourceAccount, actions, createdAt });
      return { permissions };
    }
    case 'PermissionDeleted':
      permissions.delete(keyOf(event.data.principal, event.data.sourceAccount));
      return { permissions };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${JSON.stringify(exhaustive)}`);
    }
  }
}

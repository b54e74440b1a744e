import type { PermissionAction } from './permission.decider';

/**
 * Events of the permissions a CA grants to the ACM service principal (CreatePermission /
 * DeletePermission), one stream per CA. Versioned contracts; complete facts, no optional fields.
 */
export const PERMISSION_EVENT_TYPES = {
  PermissionCreated: 'PermissionCreated',
  PermissionDeleted: 'PermissionDeleted',
} as const;

export interface PermissionCreatedV1 {
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  readonly principal: string;
  readonly sourceAccount: string;
  readonly actions: readonly PermissionAction[];
  /** The resource policy the permission amounts to (ListPermissions `Policy`). */
  readonly policy: string;
  readonly createdAt: string;
}

export interface PermissionDeletedV1 {
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  readonly principal: string;
  readonly sourceAccount: string;
  readonly deletedAt: string;
}

export type PermissionCreated = { readonly type: typeof PERMISSION_EVENT_TYPES.PermissionCreated; readonly schemaVersion: 1; readonly data: PermissionCreatedV1 };
export type PermissionDeleted = { readonly type: typeof PERMISSION_EVENT_TYPES.PermissionDeleted; readonly schemaVersion: 1; readonly data: PermissionDeletedV1 };
export type PermissionEvent = PermissionCreated | PermissionDeleted;

/** Stream of one CA's permission events. */
export const permissionStream = (certificateAuthorityId: string): string => `ca-permissions-${certificateAuthorityId}`;

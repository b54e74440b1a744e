import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from './ca-context';
import { createPermissionHandler } from './create-permission.handler';
import { deletePermissionHandler } from './delete-permission.handler';
import { deletePolicyHandler } from './delete-policy.handler';
import { getPolicyHandler } from './get-policy.handler';
import { listPermissionsHandler } from './list-permissions.handler';
import { putPolicyHandler } from './put-policy.handler';

/** Resource policies (PutPolicy / GetPolicy / DeletePolicy) and ACM service-principal permissions. */
export function policyHandlers(context: CaContext): CommandHandlers {
  return {
    PutPolicy: putPolicyHandler(context),
    GetPolicy: getPolicyHandler(context),
    DeletePolicy: deletePolicyHandler(context),
    CreatePermission: createPermissionHandler(context),
    DeletePermission: deletePermissionHandler(context),
    ListPermissions: listPermissionsHandler(context),
  };
}

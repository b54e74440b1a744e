import type { CommandHandlers } from '@pki/service-kit';
import type { CaContext } from './ca-context';

/** PutPolicy / GetPolicy / DeletePolicy and CreatePermission / DeletePermission / ListPermissions (none yet). */
export function policyHandlers(_context: CaContext): CommandHandlers {
  return {};
}

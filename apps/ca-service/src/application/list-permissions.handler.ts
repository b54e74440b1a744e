import { DomainError, type CommandMessage } from '@pki/contracts';
import { assertCaAcceptsSharing } from '../domain/policy-ca-state';
import { listPermissionsPage, type PermissionCursor } from '../infrastructure/permission.queries';
import { policyDb } from '../infrastructure/policy.queries';
import type { PermissionRow } from '../infrastructure/tables/permission.table';
import { loadAccessibleCa } from './access';
import type { CaContext } from './ca-context';

interface ListPermissionsInput {
  readonly CertificateAuthorityArn: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

/** Page size when MaxResults is absent (the largest MaxResults the API accepts). */
const DEFAULT_PAGE_SIZE = 1000;

export function encodePermissionToken(cursor: PermissionCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.toISOString(), p: cursor.principal, s: cursor.sourceAccount })).toString('base64url');
}

export function decodePermissionToken(token: string): PermissionCursor {
  const invalid = () => new DomainError('Malformed', 'The NextToken is not valid; pass the NextToken of a previous ListPermissions response unchanged.', 'InvalidNextTokenException');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const value = parsed as { c?: unknown; p?: unknown; s?: unknown } | null;
  if (typeof value !== 'object' || value === null || typeof value.c !== 'string' || typeof value.p !== 'string' || typeof value.s !== 'string') throw invalid();
  const createdAt = new Date(value.c);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { createdAt, principal: value.p, sourceAccount: value.s };
}

/** The AWS `Permission` structure (awsJson1_1: timestamps as epoch seconds). */
function toPermission(row: PermissionRow): Record<string, unknown> {
  return {
    CertificateAuthorityArn: row.ca_arn,
    CreatedAt: row.created_at.getTime() / 1000,
    Principal: row.principal,
    SourceAccount: row.source_account,
    Actions: row.actions,
    Policy: row.policy,
  };
}

export function listPermissionsHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ Permissions: unknown[]; NextToken?: string }> => {
    const input = message.input as ListPermissionsInput;
    const after = input.NextToken !== undefined ? decodePermissionToken(input.NextToken) : undefined;
    // ListPermissions is an action a resource policy can grant to another account.
    const ca = await loadAccessibleCa(context, message.caller, input.CertificateAuthorityArn, 'acm-pca:ListPermissions');
    assertCaAcceptsSharing(ca.status, ca.arn, 'ListPermissions');
    const limit = input.MaxResults ?? DEFAULT_PAGE_SIZE;
    const rows = await listPermissionsPage(policyDb(context.db), ca.id, limit + 1, after);
    const page = rows.slice(0, limit);
    const result: { Permissions: unknown[]; NextToken?: string } = { Permissions: page.map(toPermission) };
    const last = page[page.length - 1];
    if (rows.length > limit && last) result.NextToken = encodePermissionToken({ createdAt: last.created_at, principal: last.principal, sourceAccount: last.source_account });
    return result;
  };
}

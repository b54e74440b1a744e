import { callerRegion, DomainError, type CommandMessage, isPlatformId } from '@pki/contracts';
import { caDb } from '../infrastructure/database';
import { listCertificateAuthoritiesByOwner, type PageCursor } from '../infrastructure/certificate-authority.queries';
import { listCertificateAuthoritiesSharedWith, policyDb } from '../infrastructure/policy.queries';
import type { CaContext } from './ca-context';
import { toCertificateAuthority } from './certificate-authority.view';

interface ListInput {
  readonly MaxResults?: number;
  readonly NextToken?: string;
  readonly ResourceOwner?: 'SELF' | 'OTHER_ACCOUNTS';
}

/** Page size when MaxResults is absent (AWS's documented maximum for one page). */
const DEFAULT_PAGE_SIZE = 1000;


export function encodeNextToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.toISOString(), i: cursor.id })).toString('base64url');
}

export function decodeNextToken(token: string): PageCursor {
  const invalid = () => new DomainError('Malformed', 'The NextToken is not valid; pass the NextToken of a previous response unchanged.', 'InvalidNextTokenException');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const value = parsed as { c?: unknown; i?: unknown };
  if (typeof value !== 'object' || value === null || typeof value.c !== 'string' || !isPlatformId(value.i)) throw invalid();
  const createdAt = new Date(value.c);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { createdAt, id: value.i };
}

export function listCertificateAuthoritiesHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ CertificateAuthorities: unknown[]; NextToken?: string }> => {
    const input = message.input as ListInput;
    const after = input.NextToken !== undefined ? decodeNextToken(input.NextToken) : undefined;
    const limit = input.MaxResults ?? DEFAULT_PAGE_SIZE;
    const { accountId } = message.caller;
    // Only the caller's region's CAs, as each AWS region lists its own.
    const region = callerRegion(message.caller, context.region);
    // OTHER_ACCOUNTS: CAs of other accounts whose resource policy (PutPolicy) grants the caller
    // at least one action; the same creation-order paging as SELF.
    const rows =
      (input.ResourceOwner ?? 'SELF') === 'OTHER_ACCOUNTS'
        ? await listCertificateAuthoritiesSharedWith(policyDb(context.db), accountId, region, limit + 1, after)
        : await listCertificateAuthoritiesByOwner(caDb(context.db), accountId, region, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const result: { CertificateAuthorities: unknown[]; NextToken?: string } = { CertificateAuthorities: page.map(toCertificateAuthority) };
    if (rows.length > limit && last) result.NextToken = encodeNextToken({ createdAt: last.created_at, id: last.id });
    return result;
  };
}
